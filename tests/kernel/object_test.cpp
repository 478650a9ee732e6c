// Object allocator (object.hpp): ids, lifetime records, LIFO recycling with SLUB free pointer.
#include "test_world.hpp"

namespace iosim::kernel::test {
namespace {

TEST(Object, LifoRecyclingKeepsStaleValuesAndWritesFreePointer)
{
  ObjectRegistry reg;
  Slab<io_context> slab(reg, 0x1000);
  io_context* a = slab.alloc(10, 1, "a");
  io_context* b = slab.alloc(11, 1, "b");
  Memory::poke(a->ioprio, 77);
  EXPECT_TRUE(slab.free(a, 20, 2, "fa"));
  EXPECT_EQ(a->refcount.value, 0u) << "first free object: free pointer NULL";
  EXPECT_TRUE(slab.free(b, 21, 2, "fb"));
  EXPECT_NE(b->refcount.value, 0u) << "second free object points at the first";
  EXPECT_FALSE(slab.free(b, 22, 2, "fb2")) << "double free is refused";
  io_context* c = slab.alloc(30, 3, "c");
  EXPECT_EQ(c, b) << "LIFO";
  io_context* d = slab.alloc(31, 3, "d");
  EXPECT_EQ(d, a);
  EXPECT_EQ(d->ioprio.value, 77u) << "recycled memory shows the previous object's values";
  const Lifetime* la = reg.lifetime(1);
  EXPECT_TRUE(la->freed);
  EXPECT_EQ(la->free_ns, 20u);
  EXPECT_EQ(la->free_pid, 2);
  EXPECT_FALSE(reg.is_live(1));
  EXPECT_TRUE(reg.is_live(d->id));
  EXPECT_EQ(reg.slot_of(1), d) << "the stale id still names the slot";
}

} // namespace
} // namespace iosim::kernel::test
