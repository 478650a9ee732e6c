// Oracle (oracle.hpp): exactly the kinds of architecture.md's table, one firing per
// (kind, object), traces of the involved tasks in global order.
#include "test_world.hpp"

namespace iosim::kernel::test {
namespace {

TEST(Oracle, KindTableMatchesArchitectureDoc)
{
  const std::vector<std::string> want = {"ioc_overwritten", "ioc_after_exit", "ioc_leaked", "duplicate_sync_queue",
                                         "ioprio_lost", "cgroup_change_lost", "uninit_read", "use_after_free",
                                         "refcount_underflow", "double_free", "cic_link_failed",
                                         "request_setup_failed", "livelock"};
  ASSERT_EQ(kind_table().size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(kind_table()[i].name, want[i]);
    EXPECT_EQ(static_cast<std::size_t>(kind_table()[i].kind), i);
    Kind k;
    EXPECT_TRUE(parse_kind(want[i], k));
  }
}

TEST(Oracle, OneFiringPerKindAndObjectWithTrace)
{
  Oracle o(3);
  for (int i = 0; i < 5; ++i)
    o.record_step(1 + i % 2, {"s", StepKind::load, "f"}, static_cast<std::uint64_t>(i));
  EXPECT_TRUE(o.report(Kind::double_free, "D.8", 9, {1, 2}, {42}, "x"));
  EXPECT_FALSE(o.report(Kind::double_free, "D.8", 9, {1}, {42}, "again"));
  EXPECT_TRUE(o.report(Kind::double_free, "D.8", 9, {1}, {43}, "other object"));
  EXPECT_EQ(o.count(Kind::double_free), 2u);
  EXPECT_EQ(o.total(), 2u);
  const Violation& v = o.violations().front();
  ASSERT_EQ(v.trace.size(), 5u) << "last 3 steps of pid 1 and the 2 of pid 2";
  for (std::size_t i = 1; i < v.trace.size(); ++i)
    EXPECT_LT(v.trace[i - 1].seq, v.trace[i].seq) << "global order";
  EXPECT_FALSE(Oracle::format(v).empty());
}

TEST(Oracle, CleanLifeCycleHasNoViolationsAndReportsCheckedDetectors)
{
  for (IocApiVersion api : {IocApiVersion::legacy, IocApiVersion::fixed, IocApiVersion::cic_changed}) {
    World w(api);
    task_struct* P = w.task("P");
    task_struct* child = nullptr;
    w.run_as(P, [&] {
      w.io(w.sda, true);
      w.io(w.sdb, false);
      sys_ioprio_set(*w.k, P, BE(2));
      child = do_fork(*w.k, 0, "child");
      w.io(w.sda, true);
      cgroup_attach_task(*w.k, P, 3);
      w.io(w.sda, true);
    });
    w.k->check_settled();
    w.run_as(child, [&] {
      w.io(w.sda, true);
      do_exit(*w.k);
    });
    release_task(*w.k, child);
    w.spawn(P, [&] { do_exit(*w.k); });
    ASSERT_EQ(w.run_to_end(P), Stop::finished);
    release_task(*w.k, P);
    w.k->check_quiescence();
    EXPECT_EQ(w.k->oracle.total(), 0u) << ioc_api_name(api) << ": "
                                       << (w.k->oracle.violations().empty() ? "" : Oracle::format(w.k->oracle.violations()[0]));
    for (Kind k : {Kind::ioc_overwritten, Kind::ioc_leaked, Kind::ioprio_lost, Kind::use_after_free,
                   Kind::request_setup_failed})
      EXPECT_TRUE(w.k->oracle.was_checked(k)) << kind_name(k);
  }
}

} // namespace
} // namespace iosim::kernel::test
