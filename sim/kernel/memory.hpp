// Memory models sc / tso / weak for the shared fields of the kernel model (architecture.md
// "How races happen"; spec B notation: W, R, A+, WMB; D.4, D.5 need weak visibility).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "exec.hpp"
#include "object.hpp"

namespace iosim::kernel {

enum class MemoryModel { sc, tso, weak };
const char* memory_model_name(MemoryModel m);
bool parse_memory_model(const std::string& s, MemoryModel& out);

/// Poison of never-initialised memory (slab POISON_FREE pattern).
constexpr std::uint64_t kPoison = 0x6b6b6b6b6b6b6b6bULL;

/// One shared word of a model object. Values are 64-bit; pointers are stored as object ids.
struct Cell {
  Cell(KObject* o, const char* n, bool refcount = false) : owner(o), name(n), is_refcount(refcount) {}
  std::uint64_t value = kPoison; ///< committed (globally visible) value
  bool init = false;             ///< false: never written since the slot was created
  KObject* owner;
  const char* name;
  bool is_refcount;
  int last_writer = 0;           ///< pid whose store committed last
  std::uint64_t last_rmw_seq = 0;
  int last_rmw_pid = 0;
};

/// Hooks through which the oracle sees memory traffic (it never sees scenarios).
class MemoryObserver {
public:
  virtual ~MemoryObserver() = default;
  virtual void on_access(task_struct* t, Cell& c, bool write) = 0;
  virtual void on_poison_read(task_struct* t, Cell& c) = 0;
  virtual void on_commit(int writer_pid, Cell& c, std::uint64_t old_v, std::uint64_t new_v) = 0;
  /// A plain store issued before another task's atomic RMW became visible after it (D.4(b)).
  virtual void on_lost_rmw(Cell& c, int store_pid, int rmw_pid) = 0;
};

class Memory {
public:
  Memory(Exec& exec, MemoryModel model) : exec_(exec), model_(model) {}
  MemoryModel model() const { return model_; }
  void set_observer(MemoryObserver* o) { obs_ = o; }

  std::uint64_t load(Cell& c);                 ///< own buffered store first, else committed
  void store(Cell& c, std::uint64_t v);        ///< plain store: buffered under tso/weak
  void atomic_add(Cell& c, std::int64_t d);    ///< atomic_inc/dec: atomic, no barrier
  bool inc_not_zero(Cell& c);                  ///< value-returning: full barrier
  bool dec_and_test(Cell& c);                  ///< value-returning: full barrier
  void set_bit(Cell& c, unsigned bit);         ///< atomic, no barrier
  bool test_and_clear_bit(Cell& c, unsigned bit); ///< value-returning: full barrier
  void wmb();                                  ///< smp_wmb: earlier stores become visible first
  void full_barrier();                         ///< drain the current task's buffer

  /// Make every store whose visibility time has come visible (called at each step).
  void drain_due(std::uint64_t now);
  /// Lock release by @t: all its earlier stores become visible.
  void release(task_struct* t) { drain_all(t); }

  // Inspection and explicit control (oracle, tests, scripted Exec).
  /// Setup only: commit @v at once, bypassing buffers and observers.
  static void poke(Cell& c, std::uint64_t v)
  {
    c.value = v;
    c.init = true;
  }
  std::uint64_t committed(const Cell& c) const { return c.value; }
  bool is_buffered(const task_struct* t, const Cell& c) const;
  std::size_t pending(const task_struct* t) const;
  std::size_t pending_total() const;
  /// Make @t's buffered stores to @c visible, with whatever must precede them (FIFO under tso;
  /// earlier-WMB-epoch and same-cell stores under weak).
  void drain(const task_struct* t, const Cell& c);
  void drain_all(const task_struct* t);
  void drain_everything();

private:
  struct Pending {
    Cell* cell;
    std::uint64_t value;
    std::uint64_t seq;
    std::uint64_t visible_at;
    unsigned epoch;
    int pid;
  };
  using Buffer = std::deque<Pending>;

  task_struct* cur() const { return exec_.current(); }
  Buffer* buffer_of(const task_struct* t);
  const Buffer* buffer_of(const task_struct* t) const;
  void commit(const Pending& p);
  void drain_index(Buffer& b, std::size_t i);
  bool drainable(const Buffer& b, std::size_t i) const;
  void drain_cell_own(Cell& c);
  std::uint64_t read_committed(task_struct* t, Cell& c);
  void rmw_commit(task_struct* t, Cell& c, std::uint64_t v);

  Exec& exec_;
  MemoryModel model_;
  MemoryObserver* obs_ = nullptr;
  std::map<const task_struct*, Buffer> buffers_;
  std::map<const task_struct*, unsigned> epochs_;
  std::uint64_t seq_ = 0;
};

} // namespace iosim::kernel
