// Latency histogram with bounded relative error (the idea of HdrHistogram): values in
// microseconds fall into 64 linear sub-buckets per power of two, so any percentile read from
// it is within 1/64 (1.6 %) of the true value, in fixed memory, and merging is adding counts.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace chat::load {

class latency_histogram {
public:
  static constexpr int sub_bucket_bits = 6;
  static constexpr int64_t sub_buckets = int64_t{1} << sub_bucket_bits;
  // Up to 2^36 µs (19 hours): far past any timeout.
  static constexpr int max_exponent = 36;

  void record(int64_t micros) {
    micros = std::clamp<int64_t>(micros, 0, (int64_t{1} << max_exponent) - 1);
    ++counts_[index_of(micros)];
    ++total_;
    max_ = std::max(max_, micros);
  }

  void merge(const latency_histogram& other) {
    for (size_t i = 0; i < counts_.size(); ++i)
      counts_[i] += other.counts_[i];
    total_ += other.total_;
    max_ = std::max(max_, other.max_);
  }

  int64_t count() const { return total_; }
  int64_t max() const { return max_; }

  /// The value (µs) at or below which a `fraction` of the recorded values lie; 0 when empty.
  int64_t percentile(double fraction) const {
    if (total_ == 0)
      return 0;
    auto rank = static_cast<int64_t>(fraction * static_cast<double>(total_));
    rank = std::clamp<int64_t>(rank, 1, total_);
    int64_t seen = 0;
    for (size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank)
        return std::min(upper_bound_of(i), max_);
    }
    return max_;
  }

private:
  // Values below sub_buckets are exact; above, the top sub_bucket_bits bits after the leading
  // one choose the sub-bucket.
  static size_t index_of(int64_t value) {
    if (value < sub_buckets)
      return static_cast<size_t>(value);
    int exponent = std::bit_width(static_cast<uint64_t>(value)) - 1; // >= sub_bucket_bits
    int shift = exponent - sub_bucket_bits;
    int64_t sub = (value >> shift) - sub_buckets; // 0..sub_buckets-1
    return static_cast<size_t>((shift + 1) * sub_buckets + sub);
  }

  static int64_t upper_bound_of(size_t index) {
    auto i = static_cast<int64_t>(index);
    if (i < sub_buckets)
      return i;
    int64_t shift = i / sub_buckets - 1;
    int64_t sub = i % sub_buckets;
    return ((sub_buckets + sub + 1) << shift) - 1;
  }

  std::array<int64_t, (max_exponent - sub_bucket_bits + 1) * sub_buckets> counts_{};
  int64_t total_ = 0;
  int64_t max_ = 0;
};

} // namespace chat::load
