// Log-linear histogram (see histogram.hpp).
#include "sim/metrics/histogram.hpp"

#include <cstdio>

namespace iosim
{

int LatencyHistogram::bucket_of(uint64_t v)
{
  if (v < uint64_t(2 * kVal)) return int(v);
  int msb        = 63 - __builtin_clzll(v);
  int error_bits = msb - kBits;
  int idx        = (error_bits + 1) * kVal + int((v >> error_bits) & (kVal - 1));
  return idx < kBuckets ? idx : kBuckets - 1;
}

uint64_t LatencyHistogram::bucket_value(int idx)
{
  if (idx < 2 * kVal) return uint64_t(idx);
  int error_bits = idx / kVal - 1;
  uint64_t base  = 1ull << (error_bits + kBits);
  uint64_t k     = uint64_t(idx % kVal);
  // midpoint of [base + k*2^e, base + (k+1)*2^e)
  return base + k * (1ull << error_bits) + (1ull << error_bits) / 2;
}

void LatencyHistogram::add(uint64_t ns)
{
  b_[size_t(bucket_of(ns))]++;
  n_++;
  sum_ += ns;
  if (ns < min_) min_ = ns;
  if (ns > max_) max_ = ns;
}

const std::vector<double>& LatencyHistogram::default_percentiles()
{
  static const std::vector<double> p = {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99};
  return p;
}

uint64_t LatencyHistogram::percentile(double p) const { return percentiles({p})[0]; }

std::vector<uint64_t> LatencyHistogram::percentiles(const std::vector<double>& ascending) const
{
  std::vector<uint64_t> out(ascending.size(), 0);
  if (n_ == 0) return out;
  size_t k     = 0;
  uint64_t sum = 0;
  for (int i = 0; i < kBuckets && k < ascending.size(); ++i) {
    sum += b_[size_t(i)];
    while (b_[size_t(i)] && k < ascending.size() && double(sum) >= double(n_) * ascending[k] / 100.0)
      out[k++] = bucket_value(i);
  }
  for (; k < ascending.size(); ++k)
    out[k] = bucket_value(kBuckets - 1);
  return out;
}

std::string percentile_key(double p)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%f", p);
  return buf;
}

} // namespace iosim
