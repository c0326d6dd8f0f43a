// How messages are read from rows of the messages database: shared by the queries that return
// messages.
#pragma once

#include <string>
#include <vector>

#include <pqxx/result>
#include <pqxx/row>

#include "protocol/types/message.hpp"

namespace chat {

/// The select list that read_message expects, over `messages m` joined with
/// `message_pending p` (see message_from).
extern const char* const message_columns;

/// " FROM messages m LEFT JOIN message_pending p ON p.id = m.id ".
extern const char* const message_from;

chat_message read_message(const pqxx::row& row);

std::vector<chat_message> read_messages(const pqxx::result& rows);

/// The text stored in messages.forwarded_from ("" when not forwarded).
std::string forwarded_from_text(const forward_ref& x);

} // namespace chat
