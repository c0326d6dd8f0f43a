#include "actors/room/dedupe_window.hpp"

#include <functional>

namespace chat {

dedupe_window::dedupe_window(size_t capacity) : capacity_(capacity) {
  // nop
}

void dedupe_window::set_capacity(size_t capacity) {
  capacity_ = capacity;
}

std::string dedupe_window::key_of(int64_t sender_id, const std::string& temp_id) {
  auto key = std::to_string(sender_id);
  key += ':';
  key += temp_id;
  return key;
}

uint64_t dedupe_window::hash_content(std::string_view content) {
  return std::hash<std::string_view>{}(content);
}

dedupe_window::entry* dedupe_window::find(int64_t sender_id, const std::string& temp_id) {
  auto i = entries_.find(key_of(sender_id, temp_id));
  return i == entries_.end() ? nullptr : &i->second;
}

void dedupe_window::remember(int64_t sender_id, const std::string& temp_id, entry value) {
  auto key = key_of(sender_id, temp_id);
  if (!entries_.emplace(key, std::move(value)).second)
    return;
  order_.push_back(std::move(key));
  while (order_.size() > capacity_) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
}

void dedupe_window::forget(int64_t sender_id, const std::string& temp_id) {
  // The order keeps the key: erasing a missing key later is harmless.
  entries_.erase(key_of(sender_id, temp_id));
}

void dedupe_window::forget_unsaved_seq(int64_t seq) {
  for (auto i = entries_.begin(); i != entries_.end(); ++i)
    if (i->second.seq == seq && !i->second.saved) {
      entries_.erase(i);
      return;
    }
}

} // namespace chat
