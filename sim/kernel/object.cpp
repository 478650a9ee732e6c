// Object allocator: id assignment and lifetime records (see object.hpp).
#include "object.hpp"

#include "exec.hpp"
#include "memory.hpp"

namespace iosim::kernel {

std::uint64_t ObjectRegistry::assign(KObject* obj, std::uint64_t now, int pid, const char* step)
{
  Lifetime rec;
  rec.id = records_.size() + 1;
  rec.type = obj->type;
  rec.slot = obj->slot;
  rec.alloc_ns = now;
  rec.alloc_pid = pid;
  rec.alloc_step = step;
  records_.push_back(rec);
  slots_.push_back(obj);
  obj->id = rec.id;
  obj->live = true;
  return rec.id;
}

void ObjectRegistry::retire(KObject* obj, std::uint64_t now, int pid, const char* step)
{
  if (!obj->live || obj->id == 0 || obj->id > records_.size())
    throw ModelBug("retiring an object that is not live");
  Lifetime& rec = records_[obj->id - 1];
  rec.freed = true;
  rec.free_ns = now;
  rec.free_pid = pid;
  rec.free_step = step;
  obj->live = false;
}

const Lifetime* ObjectRegistry::lifetime(std::uint64_t id) const
{
  return id == 0 || id > records_.size() ? nullptr : &records_[id - 1];
}

KObject* ObjectRegistry::slot_of(std::uint64_t id) const
{
  return id == 0 || id > slots_.size() ? nullptr : slots_[id - 1];
}

bool ObjectRegistry::is_live(std::uint64_t id) const
{
  const KObject* o = slot_of(id);
  return o && o->id == id && o->live;
}

void write_freeptr(Cell* c, std::uint64_t value)
{
  if (!c)
    return;
  c->value = value;
  c->init = true;
}

} // namespace iosim::kernel
