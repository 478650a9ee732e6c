// Log-linear latency histogram with fio's bucket layout (stat.h: FIO_IO_U_PLAT_BITS = 6,
// 64 buckets per power of two, 29 groups): values below 128 are exact; above, each bucket spans
// 1/64 of its power of two, so a percentile is within ~1.6% of the true value.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace iosim
{

class LatencyHistogram
{
 public:
  static constexpr int kBits    = 6;
  static constexpr int kVal     = 1 << kBits;
  static constexpr int kGroups  = 29;
  static constexpr int kBuckets = kGroups * kVal;

  void add(uint64_t ns);
  uint64_t count() const { return n_; }
  uint64_t min() const { return n_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return n_ ? double(sum_) / double(n_) : 0.0; }
  // fio's default list: 1 5 10 20 30 40 50 60 70 80 90 95 99 99.5 99.9 99.95 99.99.
  static const std::vector<double>& default_percentiles();
  // The value reported for percentile p (0 < p <= 100): the representative value of the first
  // bucket whose cumulative count reaches ceil-free p% of N, as fio computes it. 0 when empty.
  uint64_t percentile(double p) const;
  // percentile(p) for each p of an ascending list, in one walk over the buckets.
  std::vector<uint64_t> percentiles(const std::vector<double>& ascending) const;

  static int bucket_of(uint64_t ns);
  static uint64_t bucket_value(int idx); // midpoint of the bucket (exact below 128)

 private:
  std::array<uint64_t, kBuckets> b_{};
  uint64_t n_ = 0, min_ = UINT64_MAX, max_ = 0;
  unsigned __int128 sum_ = 0;
};

// fio's percentile key format: "%f" -> "99.900000".
std::string percentile_key(double p);

} // namespace iosim
