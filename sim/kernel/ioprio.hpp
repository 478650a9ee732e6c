// ioprio encoding, defaults and helpers of spec A.5 (include/linux/ioprio.h, 3.x).
#pragma once

#include <cstdint>

namespace iosim::kernel {

enum IoprioClass : int { IOPRIO_CLASS_NONE = 0, IOPRIO_CLASS_RT = 1, IOPRIO_CLASS_BE = 2, IOPRIO_CLASS_IDLE = 3 };

constexpr int IOPRIO_CLASS_SHIFT = 13;
constexpr int IOPRIO_PRIO_MASK = (1 << IOPRIO_CLASS_SHIFT) - 1;
constexpr int IOPRIO_BE_NR = 8;
constexpr int IOPRIO_NORM = 4;

constexpr int IOPRIO_PRIO_VALUE(int cls, int data) { return (cls << IOPRIO_CLASS_SHIFT) | data; }
constexpr int IOPRIO_PRIO_CLASS(int v) { return v >> IOPRIO_CLASS_SHIFT; }
constexpr int IOPRIO_PRIO_DATA(int v) { return v & IOPRIO_PRIO_MASK; }
constexpr bool ioprio_valid(int v) { return IOPRIO_PRIO_CLASS(v) != IOPRIO_CLASS_NONE; }

/// A.5: default level from nice, (nice + 20) / 5.
constexpr int task_nice_ioprio(int nice) { return (nice + 20) / 5; }
/// A.5 task_ioprio(ioc): the data if the class is valid, else IOPRIO_NORM.
constexpr int task_ioprio(int ioc_ioprio) { return ioprio_valid(ioc_ioprio) ? IOPRIO_PRIO_DATA(ioc_ioprio) : IOPRIO_NORM; }
/// A.5 task_ioprio_class(ioc): the class if valid, else BE.
constexpr int task_ioprio_class(int ioc_ioprio)
{
  return ioprio_valid(ioc_ioprio) ? IOPRIO_PRIO_CLASS(ioc_ioprio) : IOPRIO_CLASS_BE;
}

/// The ioc->ioprio word carries a shadow version in its upper bits (D.5 detector): the version
/// travels with the value through the memory model, so a reader of a stale value gets the stale
/// version. The kernel code only ever uses the low 16 bits.
constexpr std::uint64_t make_versioned_ioprio(std::uint64_t version, int ioprio)
{
  return (version << 16) | static_cast<std::uint16_t>(ioprio);
}
constexpr int ioprio_of(std::uint64_t word) { return static_cast<int>(word & 0xffff); }
constexpr std::uint64_t ioprio_version_of(std::uint64_t word) { return word >> 16; }

} // namespace iosim::kernel
