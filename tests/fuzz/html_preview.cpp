// libFuzzer target: the preview's HTML extraction (html_preview) and the URL scan of message
// texts (first_url) on arbitrary bytes. Built and run by scripts/fuzz (clang, -fsanitize=fuzzer,
// address, undefined); never part of the regular build.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "actors/background/html_preview.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input{reinterpret_cast<const char*>(data), size};
  auto preview = chat::extract_preview(input);
  // The documented bounds hold for any input.
  if (preview.title.size() > 300 || preview.description.size() > 1000 ||
      preview.image_url.size() > 2048 || preview.site_name.size() > 300)
    __builtin_trap();
  auto charset = chat::declared_charset(input);
  if (charset.size() > 40)
    __builtin_trap();
  return 0;
}
