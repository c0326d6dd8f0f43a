// libFuzzer target: the STOMP parser on arbitrary bytes, fed in the chunks the input's first
// bytes choose. Whatever the chunking, it must see the same frames and the same failure as
// when it gets everything at once, and never a frame over its limits; heart-beat headers parse
// within their bound. Built and run by scripts/fuzz; never part of the regular build.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "protocol/codec/stomp.hpp"

namespace {

struct outcome {
  std::vector<chat::stomp_frame> frames;
  bool failed = false;
  size_t heartbeats = 0;
};

outcome parse(std::string_view input, std::string_view chunk_sizes, const chat::stomp_limits& limits) {
  chat::stomp_parser parser{limits};
  outcome result;
  size_t k = 0;
  while (!input.empty() && !parser.failed()) {
    size_t size = chunk_sizes.empty() ? input.size()
                                      : 1 + static_cast<uint8_t>(chunk_sizes[k++ % chunk_sizes.size()]);
    auto chunk = input.substr(0, size);
    input.remove_prefix(chunk.size());
    parser.feed(chunk);
    while (auto frame = parser.next())
      result.frames.push_back(std::move(*frame));
    result.heartbeats += parser.take_heartbeats();
  }
  result.failed = parser.failed();
  return result;
}

bool same(const chat::stomp_frame& a, const chat::stomp_frame& b) {
  return a.command == b.command && a.headers == b.headers && a.body == b.body;
}

/// A heart-beat header parses to two values within the bound, or is refused.
void check_heart_beat(std::string_view text) {
  auto beat = chat::parse_heart_beat(text);
  if (beat && (beat->first < 0 || beat->second < 0 || beat->first > chat::max_heart_beat_ms ||
               beat->second > chat::max_heart_beat_ms))
    __builtin_trap();
  if (beat && text.find(',') == std::string_view::npos)
    __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  std::string_view all{reinterpret_cast<const char*>(data), size};
  size_t plan = static_cast<uint8_t>(all[0]) % 8;
  if (all.size() < 1 + plan)
    return 0;
  auto chunk_sizes = all.substr(1, plan);
  auto input = all.substr(1 + plan);
  chat::stomp_limits limits{4096, 16, 512};
  auto whole = parse(input, {}, limits);
  auto chunked = parse(input, chunk_sizes.empty() ? std::string_view{"\x00", 1} : chunk_sizes, limits);
  if (whole.failed != chunked.failed || whole.frames.size() != chunked.frames.size())
    __builtin_trap();
  for (size_t i = 0; i < whole.frames.size(); ++i) {
    if (!same(whole.frames[i], chunked.frames[i]))
      __builtin_trap();
    if (whole.frames[i].body.size() > limits.max_frame_bytes ||
        whole.frames[i].headers.size() > limits.max_headers)
      __builtin_trap();
    if (auto* beat = whole.frames[i].header("heart-beat"))
      check_heart_beat(*beat);
  }
  check_heart_beat(input);
  if (!whole.failed && whole.heartbeats != chunked.heartbeats)
    __builtin_trap();
  return 0;
}
