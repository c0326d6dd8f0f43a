// Log lines about refused logins and tokens: never a secret (no password, no token), what the
// client chose shown as printable ASCII only, and at most 20 such lines a second so that a
// guessing client cannot flood the log.
#pragma once

#include <string>

namespace chat {

/// Whether one more refusal line may be written now.
bool refusal_log_allowed();

/// `text` (a name the client sent) as a log may show it: printable ASCII, at most 64 bytes.
std::string loggable(const std::string& text);

} // namespace chat
