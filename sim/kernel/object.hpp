// Object allocator of the kernel model: ids, lifetime records and slab-like LIFO recycling, so
// that a freed object's memory is reused and shows stale values (spec D.4(b), A.2).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace iosim::kernel {

struct Cell;

/// Lifetime record of one object id (one use of a slab slot).
struct Lifetime {
  std::uint64_t id = 0;
  const char* type = "";
  unsigned slot = 0;
  std::uint64_t alloc_ns = 0;
  int alloc_pid = 0;
  const char* alloc_step = "";
  bool freed = false;
  std::uint64_t free_ns = 0;
  int free_pid = 0;
  const char* free_step = "";
};

/// Base of every model object that lives in a slab slot. @id names the current occupant.
struct KObject {
  explicit KObject(const char* t) : type(t) {}
  virtual ~KObject() = default;
  KObject(const KObject&) = delete;
  KObject& operator=(const KObject&) = delete;

  /// The word SLUB overwrites with its freelist pointer on free (offset 0 in 3.x caches
  /// without a constructor) [derived]; nullptr if the type keeps none.
  virtual Cell* freeptr_cell() { return nullptr; }
  /// Reset the C++ bookkeeping that is not modelled memory (containers); called on allocation.
  virtual void reset_bookkeeping() {}

  const char* type;
  std::uint64_t id = 0;
  bool live = false;
  unsigned slot = 0;
};

/// Every id ever handed out, with its lifetime record and the slot that held it.
class ObjectRegistry {
public:
  std::uint64_t assign(KObject* obj, std::uint64_t now, int pid, const char* step);
  void retire(KObject* obj, std::uint64_t now, int pid, const char* step);
  const Lifetime* lifetime(std::uint64_t id) const;
  /// The slot that held @id (it may since hold another object), or nullptr for a wild id.
  KObject* slot_of(std::uint64_t id) const;
  bool is_live(std::uint64_t id) const;
  const std::vector<Lifetime>& all() const { return records_; }

private:
  std::vector<Lifetime> records_;   // index id-1
  std::vector<KObject*> slots_;     // index id-1
};

/// A kmem_cache: LIFO recycling of slots, lifetime records through the registry.
template <class T>
class Slab {
public:
  Slab(ObjectRegistry& reg, std::uint64_t fake_base) : reg_(reg), fake_base_(fake_base) {}

  /// Take the most recently freed slot (or a fresh, never-initialised one).
  T* alloc(std::uint64_t now, int pid, const char* step)
  {
    T* obj;
    if (!free_.empty()) {
      obj = slots_[free_.back()].get();
      free_.pop_back();
    } else {
      slots_.push_back(std::make_unique<T>());
      obj = slots_.back().get();
      obj->slot = static_cast<unsigned>(slots_.size() - 1);
    }
    obj->reset_bookkeeping();
    reg_.assign(obj, now, pid, step);
    return obj;
  }

  /// Return @obj to the slab; writes the freelist pointer into its first word. Returns false
  /// (and does nothing) if @obj is not live: the caller reports the double free.
  bool free(T* obj, std::uint64_t now, int pid, const char* step);

  std::vector<T*> live_objects() const
  {
    std::vector<T*> out;
    for (const auto& s : slots_)
      if (s->live)
        out.push_back(s.get());
    return out;
  }

private:
  ObjectRegistry& reg_;
  std::uint64_t fake_base_;
  std::vector<std::unique_ptr<T>> slots_;
  std::vector<unsigned> free_;
};

/// Write the SLUB free pointer (next free object's fake address, or 0) into @c, committed.
void write_freeptr(Cell* c, std::uint64_t value);

template <class T>
bool Slab<T>::free(T* obj, std::uint64_t now, int pid, const char* step)
{
  if (!obj->live)
    return false;
  const std::uint64_t next = free_.empty() ? 0 : fake_base_ + 0x200ULL * free_.back();
  write_freeptr(obj->freeptr_cell(), next);
  reg_.retire(obj, now, pid, step);
  free_.push_back(obj->slot);
  return true;
}

} // namespace iosim::kernel
