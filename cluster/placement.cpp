#include "cluster/placement.hpp"

namespace chat {

namespace {

/// splitmix64's finalizer: spreads FNV's weak low bits over the whole word.
uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

} // namespace

uint64_t placement_weight(const std::string& node_id, int64_t room_id) {
  // FNV-1a over the node id, then the room id's bytes (little-endian, fixed order).
  uint64_t hash = 0xcbf29ce484222325ULL;
  auto add = [&hash](uint8_t byte) {
    hash ^= byte;
    hash *= 0x100000001b3ULL;
  };
  for (char c : node_id)
    add(static_cast<uint8_t>(c));
  auto room = static_cast<uint64_t>(room_id);
  for (int i = 0; i < 8; ++i)
    add(static_cast<uint8_t>(room >> (8 * i)));
  return mix(hash);
}

std::string home_of(int64_t room_id, const std::vector<std::string>& nodes) {
  std::string best;
  uint64_t best_weight = 0;
  for (auto& node : nodes) {
    auto weight = placement_weight(node, room_id);
    // Ties (practically never) go to the smaller id, so every node picks the same.
    if (best.empty() || weight > best_weight || (weight == best_weight && node < best)) {
      best = node;
      best_weight = weight;
    }
  }
  return best;
}

} // namespace chat
