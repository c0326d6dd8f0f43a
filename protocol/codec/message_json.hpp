// JSON of messages and of their delivery statuses (the client contract, docs/api.md).
// nlohmann/json is only forward-declared here; its templates stay in the .cpp files.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "protocol/fwd.hpp"

namespace chat {

/// The `message` object: {id, roomId, seq, senderId, content, type, tempId, mentions,
/// createdAt, deleted, pinned, reactions, version} plus threadId, replyTo, replyCount,
/// forwardedFrom, editedAt and urlPreview when set.
nlohmann::json to_json(const chat_message& x);
std::string encode_message(const chat_message& x);

/// `forwardedFrom`: {messageId, roomId, senderId}.
nlohmann::json to_json(const forward_ref& x);
std::optional<forward_ref> forward_ref_from_json(const nlohmann::json& x);

/// `reactions`: [{reaction, count, userIds}].
nlohmann::json to_json(const std::vector<reaction_users>& x);
std::vector<reaction_users> reactions_from_json(const nlohmann::json& x);

/// Reads a `message` object as written by to_json; nullopt when malformed.
std::optional<chat_message> message_from_json(const nlohmann::json& x);
std::optional<chat_message> decode_message(std::string_view text);

/// A page of messages: {messages, hasMore}. The messages of `hidden_senders` (ascending: the
/// users blocked by or blocking the reader) are placeholders (hidden_message_json).
nlohmann::json to_json(const history_page& x, const std::vector<int64_t>& hidden_senders = {});

/// In place of a message of someone the reader blocked or who blocked the reader:
/// {roomId, seq, hidden: true}, so that the seq stays without a gap.
nlohmann::json hidden_message(int64_t room_id, int64_t seq);
std::string hidden_message_json(int64_t room_id, int64_t seq);

/// True when `sender` is among `hidden_senders` (ascending).
bool is_hidden(const std::vector<int64_t>& hidden_senders, int64_t sender);

/// A thread: {parent, replyCount, lastReplyAt, participantIds}.
nlohmann::json to_json(const thread_summary& x);

/// `/topic/message/updates/{roomId}`: {kind, roomId, messageId, version, message}.
std::string update_json(change_kind kind, const chat_message& message, int64_t version);

/// `{tempId, status, persistedId?, seq?, errorMessage?, createdAt}` (+ roomId, errorCode).
nlohmann::json to_json(const status_event& x);
std::string encode_status(const status_event& x);

} // namespace chat
