// Memory models sc / tso / weak (see memory.hpp). A task always sees its own stores; lock
// release and value-returning atomics drain the buffer; smp_wmb orders earlier stores first.
#include "memory.hpp"

#include "task.hpp"

namespace iosim::kernel {

const char* memory_model_name(MemoryModel m)
{
  switch (m) {
    case MemoryModel::sc: return "sc";
    case MemoryModel::tso: return "tso";
    case MemoryModel::weak: return "weak";
  }
  return "?";
}

bool parse_memory_model(const std::string& s, MemoryModel& out)
{
  for (MemoryModel m : {MemoryModel::sc, MemoryModel::tso, MemoryModel::weak})
    if (s == memory_model_name(m)) {
      out = m;
      return true;
    }
  return false;
}

Memory::Buffer* Memory::buffer_of(const task_struct* t)
{
  auto it = buffers_.find(t);
  return it == buffers_.end() ? nullptr : &it->second;
}

const Memory::Buffer* Memory::buffer_of(const task_struct* t) const
{
  auto it = buffers_.find(t);
  return it == buffers_.end() ? nullptr : &it->second;
}

std::uint64_t Memory::load(Cell& c)
{
  task_struct* t = cur();
  if (obs_)
    obs_->on_access(t, c, false);
  if (const Buffer* b = buffer_of(t))
    for (auto it = b->rbegin(); it != b->rend(); ++it)
      if (it->cell == &c)
        return it->value;
  return read_committed(t, c);
}

std::uint64_t Memory::read_committed(task_struct* t, Cell& c)
{
  if (!c.init && obs_)
    obs_->on_poison_read(t, c);
  return c.value;
}

void Memory::store(Cell& c, std::uint64_t v)
{
  task_struct* t = cur();
  if (obs_)
    obs_->on_access(t, c, true);
  Pending p{&c, v, ++seq_, 0, 0, t ? t->pid : 0};
  if (model_ == MemoryModel::sc || !t) {
    commit(p);
    return;
  }
  const std::uint64_t delay = exec_.visibility_delay_ns();
  p.visible_at = delay == kNeverVisible ? kNeverVisible : exec_.now_ns() + delay;
  p.epoch = epochs_[t];
  buffers_[t].push_back(p);
}

void Memory::commit(const Pending& p)
{
  Cell& c = *p.cell;
  const std::uint64_t old = c.value;
  c.value = p.value;
  c.init = true;
  if (obs_ && c.last_rmw_seq > p.seq && c.last_rmw_pid != p.pid)
    obs_->on_lost_rmw(c, p.pid, c.last_rmw_pid);
  c.last_writer = p.pid;
  if (obs_)
    obs_->on_commit(p.pid, c, old, p.value);
}

bool Memory::drainable(const Buffer& b, std::size_t i) const
{
  if (model_ != MemoryModel::weak)
    return i == 0;
  for (std::size_t j = 0; j < i; ++j)
    if (b[j].epoch < b[i].epoch || b[j].cell == b[i].cell)
      return false;
  return true;
}

void Memory::drain_index(Buffer& b, std::size_t i)
{
  // Drain the prerequisites first (always from the front, so indices stay valid).
  while (!drainable(b, i)) {
    std::size_t j = 0;
    while (!drainable(b, j))
      ++j;
    Pending p = b[j];
    b.erase(b.begin() + static_cast<long>(j));
    commit(p);
    --i;
  }
  Pending p = b[i];
  b.erase(b.begin() + static_cast<long>(i));
  commit(p);
}

void Memory::drain(const task_struct* t, const Cell& c)
{
  Buffer* b = buffer_of(t);
  if (!b)
    return;
  for (;;) {
    std::size_t i = 0;
    while (i < b->size() && (*b)[i].cell != &c)
      ++i;
    if (i == b->size())
      return;
    drain_index(*b, i);
  }
}

void Memory::drain_all(const task_struct* t)
{
  Buffer* b = buffer_of(t);
  while (b && !b->empty()) {
    Pending p = b->front();
    b->pop_front();
    commit(p);
  }
}

void Memory::drain_everything()
{
  for (auto& [t, b] : buffers_)
    drain_all(t);
}

void Memory::drain_due(std::uint64_t now)
{
  for (auto& [t, b] : buffers_) {
    bool progress = true;
    while (progress) {
      progress = false;
      for (std::size_t i = 0; i < b.size(); ++i)
        if (b[i].visible_at <= now && drainable(b, i)) {
          Pending p = b[i];
          b.erase(b.begin() + static_cast<long>(i));
          commit(p);
          progress = true;
          break;
        }
    }
  }
}

bool Memory::is_buffered(const task_struct* t, const Cell& c) const
{
  if (const Buffer* b = buffer_of(t))
    for (const Pending& p : *b)
      if (p.cell == &c)
        return true;
  return false;
}

std::size_t Memory::pending(const task_struct* t) const
{
  const Buffer* b = buffer_of(t);
  return b ? b->size() : 0;
}

std::size_t Memory::pending_total() const
{
  std::size_t n = 0;
  for (const auto& [t, b] : buffers_)
    n += b.size();
  return n;
}

void Memory::wmb()
{
  if (task_struct* t = cur())
    ++epochs_[t];
}

void Memory::full_barrier() { drain_all(cur()); }

void Memory::drain_cell_own(Cell& c)
{
  // x86 (tso) locked instructions drain the whole buffer; weak keeps only per-location coherence.
  if (model_ == MemoryModel::tso)
    full_barrier();
  else
    drain(cur(), c);
}

void Memory::rmw_commit(task_struct* t, Cell& c, std::uint64_t v)
{
  Pending p{&c, v, ++seq_, 0, 0, t ? t->pid : 0};
  commit(p);
  c.last_rmw_seq = p.seq;
  c.last_rmw_pid = p.pid;
}

void Memory::atomic_add(Cell& c, std::int64_t d)
{
  task_struct* t = cur();
  if (obs_)
    obs_->on_access(t, c, true);
  drain_cell_own(c);
  rmw_commit(t, c, read_committed(t, c) + static_cast<std::uint64_t>(d));
}

bool Memory::inc_not_zero(Cell& c)
{
  task_struct* t = cur();
  if (obs_)
    obs_->on_access(t, c, true);
  full_barrier();
  const std::uint64_t v = read_committed(t, c);
  if (v == 0)
    return false;
  rmw_commit(t, c, v + 1);
  return true;
}

bool Memory::dec_and_test(Cell& c)
{
  task_struct* t = cur();
  if (obs_)
    obs_->on_access(t, c, true);
  full_barrier();
  const std::uint64_t v = read_committed(t, c) - 1;
  rmw_commit(t, c, v);
  return v == 0;
}

void Memory::set_bit(Cell& c, unsigned bit)
{
  task_struct* t = cur();
  if (obs_)
    obs_->on_access(t, c, true);
  drain_cell_own(c);
  rmw_commit(t, c, read_committed(t, c) | (1ULL << bit));
}

bool Memory::test_and_clear_bit(Cell& c, unsigned bit)
{
  task_struct* t = cur();
  if (obs_)
    obs_->on_access(t, c, true);
  full_barrier();
  const std::uint64_t v = read_committed(t, c);
  rmw_commit(t, c, v & ~(1ULL << bit));
  return (v >> bit) & 1;
}

} // namespace iosim::kernel
