// Task life cycle entry points (process.hpp): fork/copy_io (B.7, C.8, A.2), ioprio_set
// permission checks (B.6 S0), can_attach (B.9), do_exit order (A.1).
#include "test_world.hpp"

namespace iosim::kernel::test {
namespace {

class Process : public ::testing::TestWithParam<IocApiVersion> {};

TEST_P(Process, B7_ForkInheritsValidIoprioInAFreshIoc)
{
  World w(GetParam());
  task_struct* P = w.task("P");
  task_struct *c1 = nullptr, *c2 = nullptr;
  w.run_as(P, [&] {
    c1 = do_fork(*w.k, 0, "c1");
    sys_ioprio_set(*w.k, P, BE(3));
    c2 = do_fork(*w.k, 0, "c2");
  });
  EXPECT_EQ(w.ioc_id(c1), 0u) << "B.7 F1: a parent without an ioc gives the child none";
  ASSERT_NE(w.ioc_id(c2), 0u);
  EXPECT_NE(w.ioc_id(c2), w.ioc_id(P)) << "B.7 F3: a fresh ioc";
  EXPECT_EQ(ioprio_of(w.k->mem.committed(w.ioc_of(c2)->ioprio)), BE(3)) << "B.7 F3: inheritance";
  EXPECT_EQ(w.refcount(w.ioc_of(c2)), 1);
}

TEST_P(Process, A2_CloneIoSharesAndCanAttachRefuses)
{
  World w(GetParam());
  task_struct* P = w.task("P");
  task_struct* c = nullptr;
  int ret = 0;
  w.run_as(P, [&] {
    w.io(w.sda, true);
    c = do_fork(*w.k, kCLONE_IO, "c");
    ret = cgroup_attach_task(*w.k, c, 2);
  });
  EXPECT_EQ(w.ioc_id(c), w.ioc_id(P));
  EXPECT_EQ(w.nr_tasks(w.ioc_of(P)), 2);
  EXPECT_EQ(w.refcount(w.ioc_of(P)), 2);
  EXPECT_EQ(ret, -kEINVAL) << "B.9: a task sharing its ioc cannot be moved";
  EXPECT_EQ(c->blkcg_id, 0);
}

TEST_P(Process, RtClassNeedsCapSysAdmin)
{
  World w(GetParam());
  TaskParams user;
  user.uid = user.euid = 1000;
  user.cap_sys_nice = true; // CAP_SYS_NICE passes S0 but does not grant the RT class
  task_struct* A = w.task("A", user);
  TaskParams root;
  root.cap_sys_nice = root.cap_sys_admin = true;
  task_struct* R = w.task("R", root);
  int as_user = 0, as_root = -1;
  w.run_as(A, [&] { as_user = sys_ioprio_set(*w.k, A, RT(0)); });
  EXPECT_EQ(as_user, -kEPERM) << "fs/ioprio.c: IOPRIO_CLASS_RT requires CAP_SYS_ADMIN";
  EXPECT_EQ(w.ioc_id(A), 0u) << "refused before set_task_ioprio: no ioc is created";
  w.run_as(R, [&] { as_root = sys_ioprio_set(*w.k, A, RT(0)); });
  EXPECT_EQ(as_root, 0);
}

TEST_P(Process, A2_SharedIocFollowsTheLatestIoprioSetOfAnySharer)
{
  // CLONE_IO shares the io_context, so ioprio_set on either task sets the ioprio of both: the
  // oracle must expect the latest promise among the sharers, not each task's own (no false
  // ioprio_lost).
  World w(GetParam());
  task_struct* P = w.task("P");
  task_struct* c = nullptr;
  w.run_as(P, [&] {
    w.io(w.sda, true);
    EXPECT_EQ(sys_ioprio_set(*w.k, P, BE(3)), 0);
    c = do_fork(*w.k, kCLONE_IO, "c");
  });
  w.run_as(c, [&] {
    EXPECT_EQ(sys_ioprio_set(*w.k, c, BE(6)), 0);
    w.io(w.sda, true);
  });
  w.run_as(P, [&] { w.io(w.sda, true); });
  w.k->check_settled();
  EXPECT_EQ(w.count(Kind::ioprio_lost), 0u) << "P runs with c's later ioprio, as CLONE_IO sharing implies";
}

TEST_P(Process, B6_S0_PermissionDenied)
{
  World w(GetParam());
  TaskParams other;
  other.uid = other.euid = 1000;
  task_struct* A = w.task("A", other);
  TaskParams me;
  me.uid = me.euid = 2000;
  task_struct* B = w.task("B", me);
  int ret = 0;
  w.run_as(B, [&] { ret = sys_ioprio_set(*w.k, A, BE(1)); });
  EXPECT_EQ(ret, -kEPERM);
  EXPECT_EQ(w.ioc_id(A), 0u);
  EXPECT_EQ(sys_ioprio_set(*w.k, A, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 8)), -kEINVAL);
}

TEST_P(Process, A1_DoExitSetsPfExitingBeforeExitIoContext)
{
  World w(GetParam());
  task_struct* T = w.task("T");
  w.spawn(T, [&] {
    w.io(w.sda, true);
    do_exit(*w.k);
  });
  ASSERT_EQ(w.run_until(T, "DX3"), Stop::at_label);
  EXPECT_TRUE(w.k->mem.committed(T->flags) & PF_EXITING) << "A.1 step 1";
  EXPECT_NE(w.ioc_id(T), 0u) << "A.1: the ioc stays attached while exiting";
  ASSERT_EQ(w.run_to_end(T), Stop::finished);
  EXPECT_EQ(w.ioc_id(T), 0u);
  EXPECT_EQ(T->state, TaskState::zombie);
}

INSTANTIATE_TEST_SUITE_P(AllApis, Process,
                         ::testing::Values(IocApiVersion::legacy, IocApiVersion::fixed, IocApiVersion::cic_changed),
                         [](const auto& info) { return std::string(ioc_api_name(info.param)); });

} // namespace
} // namespace iosim::kernel::test
