// libFuzzer target: SockJS framing on arbitrary bytes. What decode_messages accepts encodes
// back (encode_messages) to a frame that decodes to the same messages; transport paths that
// parse have three non-empty parts of at most 64 bytes without dots or slashes. Built and run
// by scripts/fuzz; never part of the regular build.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/sockjs/sockjs_framing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input{reinterpret_cast<const char*>(data), size};
  if (auto messages = chat::sockjs::decode_messages(input)) {
    std::vector<std::string_view> views{messages->begin(), messages->end()};
    auto encoded = chat::sockjs::encode_messages(views);
    if (encoded.empty() || encoded[0] != 'a')
      __builtin_trap();
    for (unsigned char c : encoded)
      if (c >= 0x80)
        __builtin_trap(); // everything outside ASCII is escaped
    auto again = chat::sockjs::decode_messages(std::string_view{encoded}.substr(1));
    if (!again || *again != *messages)
      __builtin_trap();
  }
  if (auto where = chat::sockjs::parse_transport_path(input))
    for (auto* part : {&where->server, &where->session, &where->transport})
      if (part->empty() || part->size() > 64 || part->find_first_of("./") != std::string::npos)
        __builtin_trap();
  return 0;
}
