// Memory models (memory.hpp): sc, tso FIFO, weak reordering, smp_wmb, lock release and
// value-returning atomics draining, own-store forwarding, poison reads.
#include "test_world.hpp"

namespace iosim::kernel::test {
namespace {

struct Obj : KObject {
  Obj() : KObject("obj") { live = true; }
  Cell x{this, "x"}, y{this, "y"};
};

struct Mem {
  explicit Mem(MemoryModel mm) : w(IocApiVersion::fixed, mm) { T = w.task("T"); }
  World w;
  task_struct* T;
  Obj o;
};

TEST(Memory, Sc_StoresVisibleAtOnce)
{
  Mem m(MemoryModel::sc);
  m.w.run_as(m.T, [&] { m.w.k->mem.store(m.o.x, 5); });
  EXPECT_EQ(m.o.x.value, 5u);
}

TEST(Memory, Tso_DrainingALaterStoreDrainsEarlierOnes)
{
  Mem m(MemoryModel::tso);
  m.w.spawn(m.T, [&] {
    m.w.k->mem.store(m.o.x, 1);
    m.w.k->mem.store(m.o.y, 2);
    EXPECT_EQ(m.w.k->mem.load(m.o.y), 2u) << "a task always sees its own stores";
    m.w.mark("s");
  });
  ASSERT_EQ(m.w.run_until(m.T, "s"), Stop::at_label);
  EXPECT_FALSE(m.o.x.init) << "tso: late visibility";
  m.w.k->mem.drain(m.T, m.o.y);
  EXPECT_EQ(m.o.x.value, 1u) << "tso: FIFO";
  EXPECT_EQ(m.o.y.value, 2u);
}

TEST(Memory, Weak_OutOfOrderUnlessWmb)
{
  Mem m(MemoryModel::weak);
  m.w.spawn(m.T, [&] {
    m.w.k->mem.store(m.o.x, 1);
    m.w.k->mem.store(m.o.y, 2);
    m.w.mark("s1");
    m.w.k->mem.store(m.o.x, 3);
    m.w.k->mem.wmb();
    m.w.k->mem.store(m.o.y, 4);
    m.w.mark("s2");
  });
  ASSERT_EQ(m.w.run_until(m.T, "s1"), Stop::at_label);
  m.w.k->mem.drain(m.T, m.o.y);
  EXPECT_EQ(m.o.y.value, 2u);
  EXPECT_FALSE(m.o.x.init) << "weak: y visible before x";
  ASSERT_EQ(m.w.run_until(m.T, "s2"), Stop::at_label);
  m.w.k->mem.drain(m.T, m.o.y);
  EXPECT_EQ(m.o.x.value, 3u) << "smp_wmb orders earlier stores before later ones";
}

TEST(Memory, ValueReturningAtomicAndUnlockDrain)
{
  Mem m(MemoryModel::weak);
  SpinLock l("l");
  m.w.spawn(m.T, [&] {
    m.w.k->mem.store(m.o.x, 1);
    m.w.k->mem.inc_not_zero(m.o.y); // y uninitialised: poison is non-zero
    m.w.mark("a");
    m.w.k->spin_lock(l, nullptr, "l1");
    m.w.k->mem.store(m.o.x, 2);
    m.w.k->spin_unlock(l, "l2");
    m.w.mark("b");
  });
  ASSERT_EQ(m.w.run_until(m.T, "a"), Stop::at_label);
  EXPECT_EQ(m.o.x.value, 1u) << "a value-returning atomic is a full barrier";
  EXPECT_EQ(m.w.count(Kind::uninit_read), 1u) << "poison read";
  ASSERT_EQ(m.w.run_until(m.T, "b"), Stop::at_label);
  EXPECT_EQ(m.o.x.value, 2u) << "lock release drains the buffer";
}

} // namespace
} // namespace iosim::kernel::test
