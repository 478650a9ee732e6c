// Spec section D interleavings under the FIXED ioc API (C, exactly 6e736be7): the LEGACY races
// D.1-D.3 forced with the same schedule cannot happen; the D.3b residual window and the G.5
// regression do. Also the races both versions share: D.5 (weak), D.6 (sc), D.7, D.8, D.9.
#include "test_world.hpp"

namespace iosim::kernel::test
{
namespace
{

// D.1's schedule under FIXED: A stops after CC1 read NULL (before CR1); B installs; A's CR5
// re-check under task_lock finds B's ioc and frees its own.
TEST(IocFixed, D1_ScheduleUnderFixed_NoOverwriteNoLeakIoprioKept)
{
  World w(IocApiVersion::fixed);
  task_struct* A = w.task("A");
  task_struct* B = w.task("B");
  int ret        = -1;
  w.spawn(A, [&] {
    w.io(w.sda, true);
    w.mark("m1");
    do_exit(*w.k);
  });
  w.spawn(B, [&] { ret = sys_ioprio_set(*w.k, A, BE(2)); });
  ASSERT_EQ(w.run_until(A, "CR1"), Stop::at_label) << "D.1 step 1 under FIXED: CC1 read NULL";
  ASSERT_EQ(w.run_to_end(B), Stop::finished);
  ASSERT_EQ(ret, 0);
  const std::uint64_t ioc_B = w.ioc_id(A);
  ASSERT_EQ(w.run_until(A, "m1"), Stop::at_label);
  EXPECT_EQ(w.ioc_id(A), ioc_B) << "C.2 CR5: A found ioc_B under task_lock and kept it";
  EXPECT_EQ(w.count(Kind::ioc_overwritten), 0u) << "D.1 cannot happen under FIXED";
  task_struct* C = w.task("C");
  int got        = -1;
  w.run_as(C, [&] { got = sys_ioprio_get(*w.k, A); });
  EXPECT_EQ(got, BE(2)) << "D.1 under FIXED: ioprio_get returns what ioprio_set set";
  w.k->check_settled();
  EXPECT_EQ(w.count(Kind::ioprio_lost), 0u);
  w.finish_and_settle(A);
  EXPECT_EQ(w.count(Kind::ioc_leaked), 0u);
}

// D.2's schedule under FIXED: B stops before allocating (CR1); A installs ioc_A; B's CR5 sees it.
TEST(IocFixed, D2_ScheduleUnderFixed_NoOverwriteNoDuplicateQueue)
{
  World w(IocApiVersion::fixed);
  task_struct* A = w.task("A");
  task_struct* B = w.task("B");
  w.spawn(A, [&] {
    w.io(w.sda, true);
    w.mark("m1");
    w.io(w.sda, true);
    w.mark("m2");
    do_exit(*w.k);
  });
  w.spawn(B, [&] { sys_ioprio_set(*w.k, A, BE(2)); });
  ASSERT_EQ(w.run_until(B, "CR1"), Stop::at_label) << "D.2 step 1 under FIXED: GT2 read NULL";
  ASSERT_EQ(w.run_until(A, "m1"), Stop::at_label);
  const std::uint64_t ioc_A = w.ioc_id(A);
  ASSERT_EQ(w.run_to_end(B), Stop::finished);
  EXPECT_EQ(w.ioc_id(A), ioc_A) << "C.2 CR5: B freed its ioc and used A's";
  ASSERT_EQ(w.run_until(A, "m2"), Stop::at_label);
  EXPECT_EQ(w.count(Kind::ioc_overwritten), 0u);
  EXPECT_EQ(w.count(Kind::duplicate_sync_queue), 0u);
  w.finish_and_settle(A);
  EXPECT_EQ(w.count(Kind::ioc_leaked), 0u);
}

// D.3's schedule under FIXED: CR5 sees PF_EXITING and refuses; ioprio_set returns 0 (G.8).
TEST(IocFixed, D3_ScheduleUnderFixed_PfExitingRefusesInstall)
{
  World w(IocApiVersion::fixed);
  task_struct* T = w.task("T");
  task_struct* B = w.task("B");
  int ret        = -1;
  w.spawn(T, [&] {
    w.io(w.sda, true);
    do_exit(*w.k);
  });
  w.spawn(B, [&] { ret = sys_ioprio_set(*w.k, T, BE(1)); });
  ASSERT_EQ(w.run_until(T, "DX6"), Stop::at_label);
  ASSERT_EQ(w.run_to_end(B), Stop::finished);
  EXPECT_EQ(ret, 0) << "C.7 S3': the failure is swallowed";
  EXPECT_EQ(w.ioc_id(T), 0u) << "D.3: FIXED prevents step 2";
  EXPECT_EQ(w.count(Kind::ioc_after_exit), 0u);
  w.finish_and_settle(T);
  EXPECT_EQ(w.count(Kind::ioc_leaked), 0u);
}

// D.3b: B is between CR4 (read NULL, no PF_EXITING) and CR5 while T runs do_exit up to the
// unlocked `if (tsk->io_context)`, which reads NULL; B then installs: the ioc leaks.
// D.3b's order (B: CR3..CR4 under task_lock(T); T: do_exit to the unlocked io_context check;
// B: CR5) cannot be completed: exit_mm, exit_files, exit_fs and cgroup_exit take task_lock(T)
// (kernel/exit.c, v3.2), so T waits at DX2 until B's CR7, then sees the ioc at DX5 and releases
// it. This is D.3's harmless "Variant": nothing leaks. (The spec marks D.3b [derived]; the
// exit-path locks it does not list close it.)
TEST(IocFixed, D3b_WindowClosedByExitPathTaskLock_NothingLeaks)
{
  World w(IocApiVersion::fixed);
  task_struct* T = w.task("T");
  task_struct* B = w.task("B");
  w.spawn(T, [&] { do_exit(*w.k); });
  w.spawn(B, [&] { sys_ioprio_set(*w.k, T, BE(1)); });
  ASSERT_EQ(w.run_until(B, "CR5"), Stop::at_label) << "D.3b step 1: B holds task_lock(T), CR4 read no PF_EXITING";
  ASSERT_EQ(w.run_until(T, "DX2"), Stop::at_label) << "T set PF_EXITING (DX1) and now needs task_lock for exit_mm";
  ASSERT_EQ(w.run_to_end(B), Stop::finished) << "B installs the ioc (CR5) and unlocks (CR7)";
  const std::uint64_t ioc = w.ioc_id(T);
  ASSERT_NE(ioc, 0u);
  ASSERT_EQ(w.run_to_end(T), Stop::finished) << "T passes exit_mm only now, and DX5 sees the ioc";
  EXPECT_EQ(w.ioc_id(T), 0u) << "exit_io_context detached it (E3)";
  EXPECT_EQ(w.count(Kind::ioc_after_exit), 0u);
  release_task(*w.k, T);
  w.k->check_quiescence();
  EXPECT_FALSE(w.live(ioc)) << "E7 dropped the last reference";
  EXPECT_EQ(w.count(Kind::ioc_leaked), 0u) << "D.3 Variant: nothing leaks";
}

// G.5: an exiting task whose first I/O is on the exit path (exit_files) cannot get an ioc.
TEST(IocFixed, G5_ExitPathIoWithoutIoc_RequestSetupFails)
{
  World w(IocApiVersion::fixed);
  task_struct* T = w.task("T");
  request* rq    = reinterpret_cast<request*>(1);
  w.run_as(T, [&] { do_exit(*w.k, [&] { rq = submit_io(*w.k, w.sda, true); }); });
  EXPECT_EQ(rq, nullptr) << "G.5: create_task_io_context refuses (PF_EXITING)";
  EXPECT_EQ(w.count_for(Kind::request_setup_failed, T->id), 1u) << "G.5 detector: setup failed, no OOM injected";
}

TEST(IocLegacy, G5_ExitPathIoWithoutIoc_Succeeds)
{
  World w(IocApiVersion::legacy);
  task_struct* T = w.task("T");
  request* rq    = nullptr;
  w.run_as(T, [&] { do_exit(*w.k, [&] { rq = submit_io(*w.k, w.sda, true); }); });
  ASSERT_NE(rq, nullptr) << "LEGACY has no PF_EXITING check";
  complete_io(*w.k, rq);
  release_task(*w.k, T);
  w.k->check_quiescence();
  EXPECT_EQ(w.k->oracle.total(), 0u);
}

class IocBoth : public ::testing::TestWithParam<IocApiVersion>
{
};

// D.5 (weak): B's ioprio_changed=1 becomes visible before ioprio=P; A consumes the flag and
// re-maps the async queue with the old ioprio, then clears the flag.
TEST_P(IocBoth, D5_Weak_FlagVisibleBeforeIoprio_AsyncMappingStale)
{
  World w(GetParam(), MemoryModel::weak);
  task_struct* A = w.task("A");
  task_struct* B = w.task("B");
  w.spawn(A, [&] {
    w.io(w.sda, false);
    w.mark("m0");
    w.io(w.sda, false);
    w.mark("m1");
  });
  w.spawn(B, [&] { sys_ioprio_set(*w.k, A, BE(7)); });
  ASSERT_EQ(w.run_until(A, "m0"), Stop::at_label);
  io_context* ioc     = w.ioc_of(A);
  cfq_io_context* cic = w.cic_of(ioc, w.sda);
  ASSERT_EQ(cic->cfqq[ASYNC], w.sda->async_cfqq[1][IOPRIO_NORM]) << "A.5: class NONE uses slot [BE][4]";
  const char* before_drain = GetParam() == IocApiVersion::legacy ? "S8" : "P1";
  ASSERT_EQ(w.run_until(B, before_drain), Stop::at_label) << "D.5 step 1: both stores issued";
  ASSERT_TRUE(w.k->mem.is_buffered(B, ioc->ioprio));
  w.k->mem.drain(B, ioc->ioprio_changed);
  EXPECT_TRUE(w.k->mem.is_buffered(B, ioc->ioprio)) << "weak: ioprio_changed visible, ioprio not yet";
  ASSERT_EQ(w.run_until(A, "m1"), Stop::at_label) << "D.5 step 2: A consumes the flag";
  ASSERT_EQ(w.run_to_end(B), Stop::finished);
  EXPECT_EQ(ioprio_of(w.k->mem.committed(ioc->ioprio)), BE(7));
  EXPECT_EQ(w.k->mem.committed(ioc->ioprio_changed), 0u) << "D.5: A cleared the flag";
  EXPECT_EQ(cic->cfqq[ASYNC], w.sda->async_cfqq[1][IOPRIO_NORM]) << "D.5: async queue still from the old ioprio";
  w.k->check_settled();
  EXPECT_EQ(w.count_for(Kind::ioprio_lost, cic->id), 1u) << "D.5 detector: applied version != latest";
}

// D.5's schedule under sc: nothing is reordered, the async queue follows P.
TEST_P(IocBoth, D5_Sc_SameScheduleAppliesIoprio)
{
  World w(GetParam(), MemoryModel::sc);
  task_struct* A = w.task("A");
  task_struct* B = w.task("B");
  w.spawn(A, [&] {
    w.io(w.sda, false);
    w.mark("m0");
    w.io(w.sda, false);
    w.mark("m1");
  });
  w.spawn(B, [&] { sys_ioprio_set(*w.k, A, BE(7)); });
  ASSERT_EQ(w.run_until(A, "m0"), Stop::at_label);
  ASSERT_EQ(w.run_until(B, GetParam() == IocApiVersion::legacy ? "S8" : "P1"), Stop::at_label);
  ASSERT_EQ(w.run_until(A, "m1"), Stop::at_label);
  ASSERT_EQ(w.run_to_end(B), Stop::finished);
  EXPECT_EQ(w.cic_of(w.ioc_of(A), w.sda)->cfqq[ASYNC], w.sda->async_cfqq[1][7]);
  w.k->check_settled();
  EXPECT_EQ(w.count(Kind::ioprio_lost), 0u);
}

// D.6 (sc): A walks the cics for P1; B sets P2 between the first and the second cic; A clears the
// flag after the walk: the first cic's async mapping keeps P1 for good.
TEST_P(IocBoth, D6_Sc_FlagClearedAfterWalk_LosesConcurrentChange)
{
  World w(GetParam());
  task_struct* A = w.task("A");
  w.spawn(A, [&] {
    w.io(w.sda, false);
    w.io(w.sdb, false);
    w.mark("m0");
    w.io(w.sda, false);
    w.mark("m1");
  });
  ASSERT_EQ(w.run_until(A, "m0"), Stop::at_label);
  io_context* ioc        = w.ioc_of(A);
  cfq_io_context* first  = w.cic_of(ioc, w.sdb); // hlist_add_head: newest first
  cfq_io_context* second = w.cic_of(ioc, w.sda);
  ASSERT_EQ(ioc->cic_list.front(), first->id);
  w.run_as(w.task("B1"), [&] { sys_ioprio_set(*w.k, A, BE(1)); });
  ASSERT_EQ(w.run_until(A, "Q5w", 2), Stop::at_label) << "D.6 step 1: cic_1 done with P1";
  EXPECT_EQ(first->cfqq[ASYNC], w.sdb->async_cfqq[1][1]);
  w.run_as(w.task("B2"), [&] { sys_ioprio_set(*w.k, A, BE(6)); }); // D.6 step 2
  ASSERT_EQ(w.run_until(A, "m1"), Stop::at_label) << "D.6 step 3";
  EXPECT_EQ(second->cfqq[ASYNC], w.sda->async_cfqq[1][6]) << "D.6: the remaining cics see P2";
  EXPECT_EQ(first->cfqq[ASYNC], w.sdb->async_cfqq[1][1]) << "D.6: cic_1's async mapping keeps P1";
  EXPECT_EQ(w.k->mem.committed(ioc->ioprio_changed), 0u) << "D.6: the flag says nothing is pending";
  w.k->check_settled();
  EXPECT_EQ(w.count_for(Kind::ioprio_lost, first->id), 1u) << "D.6 detector";
  EXPECT_EQ(w.count(Kind::ioprio_lost), 1u);
}

// D.7: X and Y share I (CLONE_IO); both miss and allocate a cic; Y's insert fails with -EEXIST.
TEST_P(IocBoth, D7_SharedIocCicCreationRace_SetupFails)
{
  World w(GetParam());
  task_struct* X = w.task("X");
  task_struct* Y = nullptr;
  request* rqY   = reinterpret_cast<request*>(1);
  w.spawn(X, [&] {
    w.io(w.sda, true);
    Y = do_fork(*w.k, kCLONE_IO, "Y");
    w.mark("m0");
    w.io(w.sdb, true);
    w.mark("m1");
    do_exit(*w.k);
  });
  ASSERT_EQ(w.run_until(X, "m0"), Stop::at_label);
  ASSERT_NE(Y, nullptr);
  EXPECT_EQ(w.ioc_id(Y), w.ioc_id(X)) << "A.2 ioc_task_link";
  w.spawn(Y, [&] {
    rqY = submit_io(*w.k, w.sdb, true);
    w.mark("m1");
    if (rqY) complete_io(*w.k, rqY);
    do_exit(*w.k);
  });
  ASSERT_EQ(w.run_until(X, "L1"), Stop::at_label) << "D.7 steps 1-2 for X";
  ASSERT_EQ(w.run_until(Y, "L1"), Stop::at_label) << "D.7 steps 1-2 for Y";
  ASSERT_EQ(w.run_until(X, "m1"), Stop::at_label) << "D.7 step 3";
  ASSERT_EQ(w.run_until(Y, "m1"), Stop::at_label) << "D.7 step 4";
  EXPECT_EQ(rqY, nullptr) << "D.7: Y's request setup fails";
  EXPECT_EQ(w.count(Kind::cic_link_failed), 1u);
  EXPECT_EQ(w.count_for(Kind::request_setup_failed, Y->id), 1u) << "D.7 detector";
  ASSERT_EQ(w.run_to_end(X), Stop::finished);
  ASSERT_EQ(w.run_to_end(Y), Stop::finished);
  release_task(*w.k, X);
  release_task(*w.k, Y);
  w.k->check_quiescence();
  EXPECT_EQ(w.count(Kind::ioc_leaked), 0u) << "D.7: not a leak (Y frees its cic)";
}

// D.8: after an elevator switch, X and Y (sharing I) both find the same dead cic and drop it.
TEST_P(IocBoth, D8_TwoTasksDropSameDeadCic_DoubleUnlinkDetected)
{
  World w(GetParam());
  task_struct* X = w.task("X");
  task_struct* Y = nullptr;
  cfq_data* q2   = nullptr;
  w.spawn(X, [&] {
    w.io(w.sda, true);
    Y = do_fork(*w.k, kCLONE_IO, "Y");
    w.mark("m0");
    w.io(q2, true);
    w.mark("m1");
    do_exit(*w.k);
  });
  ASSERT_EQ(w.run_until(X, "m0"), Stop::at_label);
  io_context* ioc           = w.ioc_of(X);
  const std::uint64_t cic_1 = w.cic_of(ioc, w.sda)->id;
  cfq_exit_queue(*w.k, w.sda);
  q2 = cfq_init_queue(*w.k, "sda", w.sda->id); // the new elevator reuses the index
  w.spawn(Y, [&] {
    w.io(q2, true);
    w.mark("m1");
    do_exit(*w.k);
  });
  ASSERT_EQ(w.run_until(X, "DD1"), Stop::at_label) << "D.8: X found the dead cic";
  ASSERT_EQ(w.run_until(Y, "DD1"), Stop::at_label) << "D.8: Y found the same dead cic";
  ASSERT_EQ(w.run_until(X, "m1"), Stop::at_label) << "X drops it and links a new live cic";
  const std::uint64_t cic_2 = w.cic_of(ioc, q2)->id;
  ASSERT_EQ(w.run_until(Y, "m1"), Stop::at_label) << "Y drops the same cic again";
  EXPECT_EQ(w.count(Kind::double_free), 2u) << "R, D.8: detect both";
  EXPECT_EQ(w.count_for(Kind::double_free, cic_2), 1u) << "R, D.8: the radix delete by key removed X's live cic";
  EXPECT_EQ(w.count_for(Kind::double_free, cic_1), 2u) << "R, D.8: the second hlist delete faults";
  EXPECT_NE(w.cic_of(ioc, q2)->id, cic_2);
  ASSERT_EQ(w.run_to_end(X), Stop::finished);
  ASSERT_EQ(w.run_to_end(Y), Stop::finished);
  release_task(*w.k, X);
  release_task(*w.k, Y);
  w.k->check_quiescence();
  const Lifetime* l = w.k->reg.lifetime(cic_1);
  EXPECT_TRUE(l->freed) << "the dead cic is freed once";
  EXPECT_EQ(w.count(Kind::double_free), 2u) << "no second free happened";
}

// D.9: get_task_ioprio's two unlocked loads race with the target's exit.
TEST_P(IocBoth, D9_IoprioGetRacesExit_NullDereference)
{
  World w(GetParam());
  task_struct* T = w.task("T");
  task_struct* C = w.task("C");
  int got        = -1;
  w.spawn(T, [&] {
    w.io(w.sda, true);
    w.mark("m0");
    do_exit(*w.k);
  });
  w.spawn(C, [&] { got = sys_ioprio_get(*w.k, T); });
  ASSERT_EQ(w.run_until(T, "m0"), Stop::at_label);
  ASSERT_EQ(w.run_until(C, "GP2"), Stop::at_label) << "first load saw an ioc";
  ASSERT_EQ(w.run_to_end(T), Stop::finished) << "E3 clears, E7 frees";
  ASSERT_EQ(w.run_to_end(C), Stop::finished);
  EXPECT_EQ(w.count_for(Kind::use_after_free, T->id), 1u) << "R, D.9: the second load is NULL";
  EXPECT_EQ(got, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, IOPRIO_NORM));
}

TEST_P(IocBoth, D9_IoprioGetRacesExit_UseAfterFree)
{
  World w(GetParam());
  task_struct* T = w.task("T");
  task_struct* C = w.task("C");
  w.spawn(T, [&] {
    w.io(w.sda, true);
    w.mark("m0");
    do_exit(*w.k);
  });
  w.spawn(C, [&] { sys_ioprio_get(*w.k, T); });
  ASSERT_EQ(w.run_until(T, "m0"), Stop::at_label);
  const std::uint64_t ioc = w.ioc_id(T);
  ASSERT_EQ(w.run_until(C, "GP3"), Stop::at_label) << "C holds the pointer";
  ASSERT_EQ(w.run_to_end(T), Stop::finished);
  EXPECT_FALSE(w.live(ioc)) << "E7 freed the ioc (kmem_cache_free, not RCU)";
  ASSERT_EQ(w.run_to_end(C), Stop::finished);
  EXPECT_EQ(w.count_for(Kind::use_after_free, ioc), 1u) << "D.9: use-after-free read of ->ioprio";
}

INSTANTIATE_TEST_SUITE_P(LegacyAndFixed, IocBoth, ::testing::Values(IocApiVersion::legacy, IocApiVersion::fixed),
                         [](const auto& info) { return std::string(ioc_api_name(info.param)); });

} // namespace
} // namespace iosim::kernel::test
