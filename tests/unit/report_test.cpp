// Fairness yardstick (expected shares from CFQ's semantics: spec F weights, E.3 slices, E.5
// strict class order) and the report's correctness section.
#include "sim/metrics/backlog.hpp"
#include "sim/metrics/fairness.hpp"
#include "sim/report/report.hpp"

#include <gtest/gtest.h>

using namespace iosim;

TEST(PrioSlice, MatchesTheSpecTable)
{
  // spec E.3: sync 180..40 ms, async 72..16 ms for levels 0..7 at HZ=1000
  int sync[]  = {180, 160, 140, 120, 100, 80, 60, 40};
  int async[] = {72, 64, 56, 48, 40, 32, 24, 16};
  for (int p = 0; p < 8; ++p) {
    EXPECT_EQ(cfq_prio_slice(true, p), sync[p]) << "level " << p;
    EXPECT_EQ(cfq_prio_slice(false, p), async[p]) << "level " << p;
  }
}

TEST(EffectiveIoprio, DerivedFromNiceAndPolicy)
{
  // spec A.5: level (nice + 20) / 5; SCHED_IDLE -> IDLE, FIFO/RR -> RT, else BE
  EXPECT_EQ(effective_ioprio({}, -20, SchedPolicy::normal).level, 0);
  EXPECT_EQ(effective_ioprio({}, 19, SchedPolicy::normal).level, 7);
  EXPECT_EQ(effective_ioprio({}, 5, SchedPolicy::normal).level, 5);
  EXPECT_EQ(effective_ioprio({}, 0, SchedPolicy::idle).cls, IoprioClass::idle);
  EXPECT_EQ(effective_ioprio({}, 0, SchedPolicy::fifo).cls, IoprioClass::rt);
  EXPECT_EQ(effective_ioprio({IoprioClass::be, 1}, 19, SchedPolicy::idle).level, 1) << "a set ioprio wins";
}

TEST(Fairness, ExpectedSharesFollowWeightsAndSlices)
{
  std::vector<FairnessGroup> g(2);
  g[0].weight = 1000, g[0].active = true, g[0].disk_time_ns = 800;
  g[1].weight = 250, g[1].active = true, g[1].disk_time_ns = 200;
  std::vector<FairnessTask> t(4);
  // root: BE levels 0 and 4 (slices 180 and 100); group 1: one BE/4 and one IDLE task
  t[0]              = {0, 0, {IoprioClass::be, 0}, true, 500, true};
  t[1]              = {0, 0, {IoprioClass::be, 4}, true, 300, true};
  t[2]              = {1, 0, {IoprioClass::be, 4}, true, 200, true};
  t[3]              = {1, 0, {IoprioClass::idle, 0}, true, 0, true};
  FairnessSummary s = compute_fairness(t, g);
  EXPECT_DOUBLE_EQ(g[0].expected_share, 0.8) << "1000 / (1000 + 250)";
  EXPECT_DOUBLE_EQ(g[1].expected_share, 0.2);
  EXPECT_DOUBLE_EQ(t[0].expected_share, 0.8 * 180 / 280);
  EXPECT_DOUBLE_EQ(t[1].expected_share, 0.8 * 100 / 280);
  EXPECT_DOUBLE_EQ(t[2].expected_share, 0.2) << "BE is served strictly before IDLE";
  EXPECT_DOUBLE_EQ(t[3].expected_share, 0.0);
  EXPECT_DOUBLE_EQ(s.max_share_error, 0.0);
  EXPECT_DOUBLE_EQ(s.cgroup_jain_index, 1.0);
  // tasks: x = share/expected = (0.5/0.5143, 0.3/0.2857, 0.2/0.2)
  double x0 = 0.5 / (0.8 * 180 / 280), x1 = 0.3 / (0.8 * 100 / 280), x2 = 1.0;
  double j = (x0 + x1 + x2) * (x0 + x1 + x2) / (3 * (x0 * x0 + x1 * x1 + x2 * x2));
  EXPECT_NEAR(s.jain_index, j, 1e-12);
}

TEST(Fairness, EachDeviceIsItsOwnCompetition)
{
  // Two devices, one task each: CFQ works per queue, so each task is promised all of its device.
  std::vector<FairnessGroup> g(1);
  g[0].weight = 1000;
  std::vector<FairnessTask> t(2);
  t[0]              = {0, 0, {IoprioClass::be, 4}, true, 9000, true};
  t[1]              = {0, 1, {IoprioClass::be, 0}, true, 1000, true};
  FairnessSummary s = compute_fairness_by_device(t, g, {{9000, 1000}}, 2);
  EXPECT_DOUBLE_EQ(t[0].share, 1.0);
  EXPECT_DOUBLE_EQ(t[0].expected_share, 1.0);
  EXPECT_DOUBLE_EQ(t[1].expected_share, 1.0);
  EXPECT_DOUBLE_EQ(s.jain_index, 1.0);
  EXPECT_DOUBLE_EQ(g[0].share, 1.0);
  EXPECT_DOUBLE_EQ(g[0].expected_share, 1.0);
}

TEST(Report, CorrectnessListsEveryKindAndNoDetectorYet)
{
  Scenario sc;
  sc.devices.push_back({"sda", "null", {}, 1 << 30, 1, false});
  sc.cgroups.push_back({"root", 1000});
  RunResult r;
  r.cgroup_disk_ns = {{0}};
  r.devices.push_back({"sda"});
  nlohmann::json rep = build_report(sc, r);
  EXPECT_EQ(rep["schema"], "iosim-report/1");
  EXPECT_TRUE(rep["correctness"]["checked"].empty()) << "no detector ran: a zero must not look like a clean check";
  EXPECT_EQ(rep["correctness"]["counts"].size(), 13u) << "every kind of the oracle table";
  EXPECT_EQ(rep["correctness"]["violations_total"], 0);
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
      << "FIPS 180-2 test vector";
}

TEST(Backlog, ThinkGapKeepsThePeriodLongerGapEndsIt)
{
  BacklogTrack t;
  t.submit(0);
  t.complete(5000000);
  t.submit(5000000 + kBacklogGapNs); // a think time of exactly the gap: same period
  t.complete(20000000);
  t.submit(20000000 + kBacklogGapNs + 1); // longer: a new period
  t.complete(40000000);
  ASSERT_EQ(t.periods().size(), 2u);
  EXPECT_EQ(t.periods()[0].start, 0u);
  EXPECT_EQ(t.periods()[0].end, 20000000u);
  EXPECT_EQ(t.periods()[1].start, 20000000u + kBacklogGapNs + 1);
}

TEST(Backlog, WindowIsTheIntersectionAndServiceIsClippedToIt)
{
  std::vector<Span> a = {{0, 100}, {200, 300}}, b = {{50, 250}};
  std::vector<Span> w = intersect_spans(a, b);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].start, 50u);
  EXPECT_EQ(w[0].end, 100u);
  EXPECT_EQ(w[1].start, 200u);
  EXPECT_EQ(w[1].end, 250u);
  EXPECT_EQ(spans_length(w), 100u);
  // service [40,60] counts 10 inside, [90,210] counts 10 + 10, [260,270] nothing
  EXPECT_EQ(overlap_ns({{260, 270}, {90, 210}, {40, 60}}, w), 30u);
}
