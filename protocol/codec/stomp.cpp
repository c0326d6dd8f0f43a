#include "protocol/codec/stomp.hpp"

#include <algorithm>

#include "protocol/codec/decimal.hpp"

namespace chat {

const std::string* stomp_frame::header(std::string_view name) const {
  for (auto& [key, value] : headers)
    if (key == name)
      return &value;
  return nullptr;
}

stomp_parser::stomp_parser(stomp_limits limits) : limits_(limits) {
  // nop
}

void stomp_parser::feed(std::string_view data) {
  if (!failed())
    buffer_.append(data.data(), data.size());
}

size_t stomp_parser::take_heartbeats() {
  auto result = heartbeats_;
  heartbeats_ = 0;
  return result;
}

std::optional<stomp_frame> stomp_parser::fail(std::string why) {
  error_ = std::move(why);
  buffer_.clear();
  return std::nullopt;
}

namespace {

bool unescape(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r' || in[i] == '\n')
      return false;
    if (in[i] != '\\') {
      out += in[i];
      continue;
    }
    if (++i == in.size())
      return false;
    switch (in[i]) {
    case 'r':
      out += '\r';
      break;
    case 'n':
      out += '\n';
      break;
    case 'c':
      out += ':';
      break;
    case '\\':
      out += '\\';
      break;
    default:
      return false; // undefined escapes are fatal in STOMP 1.2
    }
  }
  return true;
}

bool valid_command(std::string_view command) {
  return !command.empty() && command.size() <= 16 &&
         std::all_of(command.begin(), command.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

} // namespace

std::optional<stomp_frame> stomp_parser::next() {
  if (failed())
    return std::nullopt;
  // Heart-beats: EOLs between frames.
  size_t start = 0;
  while (start < buffer_.size()) {
    if (buffer_[start] == '\n') {
      ++heartbeats_;
      ++start;
    } else if (buffer_[start] == '\r' && start + 1 < buffer_.size() && buffer_[start + 1] == '\n') {
      ++heartbeats_;
      start += 2;
    } else {
      break;
    }
  }
  buffer_.erase(0, start);
  if (buffer_.empty())
    return std::nullopt;
  // Command and header lines, up to an empty line.
  stomp_frame frame;
  size_t pos = 0;
  bool escaped = true;
  size_t header_lines = 0;
  for (;;) {
    auto eol = buffer_.find('\n', pos);
    if (eol == std::string::npos) {
      if (buffer_.size() - pos > limits_.max_header_bytes ||
          buffer_.size() > limits_.max_frame_bytes)
        return fail("header line too long");
      return std::nullopt; // incomplete
    }
    auto line_end = eol;
    if (line_end > pos && buffer_[line_end - 1] == '\r')
      --line_end;
    std::string_view line{buffer_.data() + pos, line_end - pos};
    pos = eol + 1;
    if (line.size() > limits_.max_header_bytes)
      return fail("header line too long");
    if (frame.command.empty()) {
      if (!valid_command(line))
        return fail("malformed command line");
      frame.command = std::string{line};
      escaped = frame.command != "CONNECT" && frame.command != "CONNECTED";
      continue;
    }
    if (line.empty())
      break;
    if (++header_lines > limits_.max_headers)
      return fail("too many headers");
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return fail("malformed header line");
    std::string name;
    std::string value;
    if (escaped) {
      if (!unescape(line.substr(0, colon), name) || !unescape(line.substr(colon + 1), value))
        return fail("invalid escape sequence in a header");
    } else {
      if (line.find('\r') != std::string_view::npos)
        return fail("malformed header line");
      name = std::string{line.substr(0, colon)};
      value = std::string{line.substr(colon + 1)};
    }
    // Repeated headers: the first value counts.
    if (frame.header(name) == nullptr)
      frame.headers.emplace_back(std::move(name), std::move(value));
  }
  // Body: content-length octets then NUL, or up to the first NUL.
  size_t body_end = 0;
  if (auto* length = frame.header("content-length")) {
    bool too_large = false;
    auto parsed = parse_decimal(*length, &too_large);
    if (!parsed && !too_large)
      return fail("invalid content-length");
    if (too_large || static_cast<uint64_t>(*parsed) > limits_.max_frame_bytes ||
        pos + static_cast<size_t>(*parsed) + 1 > limits_.max_frame_bytes)
      return fail("frame too large");
    auto n = static_cast<size_t>(*parsed);
    if (buffer_.size() < pos + n + 1)
      return std::nullopt; // incomplete
    if (buffer_[pos + n] != '\0')
      return fail("content-length does not match the body");
    body_end = pos + n;
  } else {
    body_end = buffer_.find('\0', pos);
    if (body_end == std::string::npos) {
      if (buffer_.size() > limits_.max_frame_bytes)
        return fail("frame too large");
      return std::nullopt; // incomplete
    }
    if (body_end + 1 > limits_.max_frame_bytes)
      return fail("frame too large");
  }
  frame.body.assign(buffer_, pos, body_end - pos);
  if (!frame.body.empty() && frame.command != "SEND" && frame.command != "MESSAGE" &&
      frame.command != "ERROR")
    return fail(frame.command + " frames must not have a body");
  buffer_.erase(0, body_end + 1);
  return frame;
}

bool is_client_command(std::string_view command) {
  static constexpr std::string_view commands[] = {
    "CONNECT", "STOMP", "SEND",   "SUBSCRIBE", "UNSUBSCRIBE", "ACK",
    "NACK",    "BEGIN", "COMMIT", "ABORT",     "DISCONNECT",
  };
  return std::find(std::begin(commands), std::end(commands), command) != std::end(commands);
}

std::string stomp_escape(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  for (auto c : text) {
    switch (c) {
    case '\\':
      result += "\\\\";
      break;
    case '\r':
      result += "\\r";
      break;
    case '\n':
      result += "\\n";
      break;
    case ':':
      result += "\\c";
      break;
    default:
      result += c;
    }
  }
  return result;
}

std::string encode_frame(std::string_view command,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         std::string_view body) {
  bool escaped = command != "CONNECT" && command != "CONNECTED";
  std::string result;
  result.reserve(command.size() + body.size() + 64 * (headers.size() + 1));
  result += command;
  result += '\n';
  for (auto& [name, value] : headers) {
    result += escaped ? stomp_escape(name) : name;
    result += ':';
    result += escaped ? stomp_escape(value) : value;
    result += '\n';
  }
  if (!body.empty()) {
    result += "content-length:";
    result += std::to_string(body.size());
    result += '\n';
  }
  result += '\n';
  result += body;
  result += '\0';
  return result;
}

std::optional<std::pair<int64_t, int64_t>> parse_heart_beat(std::string_view text) {
  auto number = [](std::string_view digits) -> std::optional<int64_t> {
    bool too_large = false;
    auto value = parse_decimal(digits, &too_large);
    if (too_large)
      return max_heart_beat_ms; // all digits, just very long
    if (!value)
      return std::nullopt;
    return std::min(*value, max_heart_beat_ms);
  };
  auto comma = text.find(',');
  if (comma == std::string_view::npos)
    return std::nullopt;
  auto x = number(text.substr(0, comma));
  auto y = number(text.substr(comma + 1));
  if (!x || !y)
    return std::nullopt;
  return std::make_pair(*x, *y);
}

} // namespace chat
