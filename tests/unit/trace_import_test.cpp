// Trace importers: FILETIME conversion with integers, blkparse RWBS flags, D and Q requests
// with M/F merges, iolog v2/v3 timing, windowing and scaling, and bad lines (file and line).
#include "sim/config/input_error.hpp"
#include "tests/unit/fixture_file.hpp"
#include "workloads/trace_import.hpp"

#include <functional>
#include <gtest/gtest.h>

using namespace iosim;
using iosim::testing::TempDir;

namespace
{

trace::TraceOptions opts()
{
  trace::TraceOptions o;
  o.capacity = 1ull << 40;
  return o;
}

std::string error_of(const std::function<void()>& f)
{
  try {
    f();
  } catch (const InputError& e) {
    std::string m = e.what();
    return m.substr(m.rfind('/') + 1);
  }
  return "";
}

const char* kBlk = "  8,0    1        1     0.000000000   100  Q   R 1000 + 8 [reader]\n"
                   "  8,0    1        2     0.000000100   100  G   R 1000 + 8 [reader]\n"
                   "  8,0    1        3     0.000000200   100  I   R 1000 + 8 [reader]\n"
                   "  8,0    1        4     0.000001000   100  Q   R 1008 + 8 [reader]\n"
                   "  8,0    1        5     0.000001100   100  M   R 1008 + 8 [reader]\n"
                   "  8,0    1        6     0.000002000   100  D   R 1000 + 16 [reader]\n"
                   "  8,0    0        7     0.000500000   200  Q  WS 5000 + 8 [db]\n"
                   "  8,0    0        8     0.000500100   200  I  WS 5000 + 8 [db]\n"
                   "  8,0    0        9     0.000600000   200  D  WS 5000 + 8 [db]\n"
                   "  8,0    0       10     0.000700000   300  Q   W 9000 + 16 [flush]\n"
                   "  8,0    0       11     0.000700100   300  I   W 9000 + 16 [flush]\n"
                   "  8,0    0       12     0.000800000     0  D   W 9000 + 16 [swapper]\n"
                   "  8,0    0       13     0.001000000     0  C   R 1000 + 16 [0]\n"
                   "  8,0    0       14     0.001000000   300  A   W 9000 + 8 <- (8,1) 8937\n"
                   "CPU0 (sda):\n"
                   " Reads Queued:           2,        8KiB\n";

} // namespace

TEST(Msr, FiletimeIsConvertedWithIntegers)
{
  TempDir dir;
  // 128166385295514663 is beyond 2^53: as doubles, a 1-tick (100 ns) step would vanish.
  std::string p = dir.write("t.csv", "128166385295514663,hm,0,Write,4096,512,10\n"
                                     "128166385295514664,hm,0,Read,8192,1024,10\n"
                                     "128166385295614663,hm,1,Write,0,4096,10\n");
  auto imp      = trace::import_msr(p, opts());
  ASSERT_EQ(imp.tasks.size(), 2u); // hm_0 and hm_1
  EXPECT_EQ(imp.requests, 3u);
  EXPECT_EQ(imp.bytes, 512u + 1024u + 4096u);
  const auto& r = imp.tasks[0].records;
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].t_ns, 0u);
  EXPECT_EQ(r[1].t_ns, 100u); // one FILETIME tick
  EXPECT_TRUE(r[0].write);
  EXPECT_FALSE(r[1].write);
  EXPECT_EQ(imp.tasks[1].records[0].t_ns, 100000u * 100u); // 100000 ticks = 10 ms
}

TEST(Msr, BadLinesNameFileAndLine)
{
  TempDir dir;
  auto bad = [&](const std::string& text) {
    return error_of([&] { trace::import_msr(dir.write("t.csv", text), opts()); });
  };
  EXPECT_EQ(bad("1,hm,0,Write,0,512\n"),
            "t.csv:1: 6 fields, expected 7: Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime");
  EXPECT_EQ(bad("1,hm,0,Write,0,512,1\n2,hm,0,Erase,0,512,1\n"), "t.csv:2: Type \"Erase\" is not Read or Write");
  EXPECT_EQ(bad("x,hm,0,Write,0,512,1\n"), "t.csv:1: Timestamp \"x\" is not a FILETIME (unsigned integer)");
  EXPECT_EQ(bad("1,hm,0,Write,0,-512,1\n"), "t.csv:1: Size \"-512\" is not a positive byte count");
}

TEST(Blkparse, OneRequestPerDispatchWithRwbsFlags)
{
  TempDir dir;
  auto imp = trace::import_blkparse(dir.write("t.txt", kBlk), opts());
  EXPECT_EQ(imp.requests, 3u); // three D events
  EXPECT_EQ(imp.bytes, (16u + 8u + 16u) * 512u);
  ASSERT_EQ(imp.tasks.size(), 3u);
  // The D at 0.000800 ran as pid 0, but the request was inserted by pid 300: it is 300's.
  EXPECT_EQ(imp.tasks[0].key, "reader-100");
  EXPECT_EQ(imp.tasks[1].key, "db-200");
  EXPECT_EQ(imp.tasks[2].key, "flush-300");
  const TraceRecord& rd = imp.tasks[0].records[0];
  EXPECT_FALSE(rd.write);
  EXPECT_TRUE(rd.sync); // reads are sync (spec E.2)
  EXPECT_EQ(rd.offset, 1000u * 512u);
  EXPECT_EQ(rd.bytes, 16u * 512u); // the D carries the merged size
  EXPECT_EQ(rd.t_ns, 0u);          // the first request (D at 2 us) is the time origin
  const TraceRecord& ws = imp.tasks[1].records[0];
  EXPECT_EQ(ws.t_ns, 598000u); // D at 600 us
  EXPECT_TRUE(ws.write);
  EXPECT_TRUE(ws.sync);                       // WS: REQ_SYNC
  EXPECT_FALSE(imp.tasks[2].records[0].sync); // W without S: async writeback
}

TEST(Blkparse, QueuedBiosWithMergesJoinTheirRequest)
{
  TempDir dir;
  auto o      = opts();
  o.blk_event = "Q";
  auto imp    = trace::import_blkparse(dir.write("t.txt", kBlk), o);
  EXPECT_EQ(imp.requests, 3u); // four Q, one of them merged (M) into the first
  ASSERT_EQ(imp.tasks[0].records.size(), 1u);
  EXPECT_EQ(imp.tasks[0].records[0].bytes, 16u * 512u);
  EXPECT_EQ(imp.tasks[0].records[0].t_ns, 0u);
}

TEST(Blkparse, BadLinesNameFileAndLine)
{
  TempDir dir;
  auto bad = [&](const std::string& text) {
    return error_of([&] { trace::import_blkparse(dir.write("t.txt", text), opts()); });
  };
  EXPECT_EQ(bad("  8,0 1 1 0.000000000 100 D\n"),
            "t.txt:1: truncated blkparse event (expected DEV CPU SEQ TIME PID ACTION RWBS ...)");
  EXPECT_EQ(bad("  8,0 1 1 0.0000 1x D R 8 + 8 [a]\n"), "t.txt:1: \"1x\" is not a PID");
  EXPECT_EQ(bad("  8,0 1 1 zero 1 D R 8 + 8 [a]\n"), "t.txt:1: \"zero\" is not a time SECONDS.NANOSECONDS");
  EXPECT_EQ(bad("  8,0 1 1 0.1 1 D R 8 + 8 [a]\nhello\n"),
            "t.txt:2: not a blkparse event line (expected MAJ,MIN CPU SEQ TIME PID ACTION RWBS ...)");
  EXPECT_EQ(bad("  8,0 1 1 0.1 1 D R 8 + 8 [a]\n  8,16 1 1 0.2 1 D R 8 + 8 [a]\n").substr(0, 44),
            "t.txt:2: requests on devices 8,0 and 8,16: c");
}

// A line cut after "SECTOR +" or after SECTOR, or with an RWBS blkparse never prints, is an
// error, not a flush to skip; real flushes and discards without data still are skipped.
TEST(Blkparse, TruncatedRangeAndBadRwbsAreErrors)
{
  TempDir dir;
  const std::string head = "  8,64 11 2947 33.779661287 90790  I   W 7614344 + 24 [fio]\n";
  auto bad               = [&](const std::string& text) {
    return error_of([&] { trace::import_blkparse(dir.write("t.txt", head + text), opts()); });
  };
  EXPECT_EQ(bad("  8,64 11 2949 33.779662409 90790  D   W 7614344 + \n"),
            "t.txt:2: truncated blkparse event (expected NSECTORS after \"7614344 +\")");
  EXPECT_EQ(bad("  8,64 11 2949 33.779662409 90790  D   W 7614344\n"),
            "t.txt:2: truncated blkparse event (expected \"+ NSECTORS\" after \"7614344\")");
  EXPECT_EQ(bad("  8,64 11 2949 33.779662409 90790  D   Z 7614344 + 24 [fio]\n"),
            "t.txt:2: bad RWBS 'Z' (expected letters of F W R D N E A S M B, e.g. W, RS, FWS)");
  EXPECT_EQ(bad("  8,64 11 2949 33.779662409 90790  D   w 7614344 + 24 [fio]\n").substr(0, 21),
            "t.txt:2: bad RWBS 'w'");
  // Flushes (FN, FWS without a range) and a discard are skipped with one warning.
  auto imp =
      trace::import_blkparse(dir.write("t.txt", head + "  8,64 11 2949 33.779662409 90790  D   W 7614344 + 24 [fio]\n"
                                                       "  8,64 11 2950 33.78 90790  D  FN [fio]\n"
                                                       "  8,64 11 2951 33.79 90790  D FWS [jbd2/sde-8]\n"
                                                       "  8,64 11 2952 33.80 90790  D   D 100 + 8 [fstrim]\n"),
                             opts());
  EXPECT_EQ(imp.requests, 1u);
  ASSERT_EQ(imp.warnings.size(), 1u);
  EXPECT_NE(imp.warnings[0].find("3 D events without data"), std::string::npos) << imp.warnings[0];
}

// Only the events the mode replays are requests: an M far out in D mode, or a D far out in Q
// mode, is not checked against the device (it never reaches it), the replayed ones are.
TEST(Blkparse, OnlyReplayedEventsAreRangeChecked)
{
  TempDir dir;
  auto o                 = opts();
  o.capacity             = 1ull << 30; // 1 GiB = sector 2097152
  const std::string text = "  8,0 0 1 0.000001 7 Q WS 100 + 8 [db]\n"
                           "  8,0 0 2 0.000002 7 I WS 100 + 8 [db]\n"
                           "  8,0 0 3 0.000003 7 Q WS 5000000 + 8 [db]\n"
                           "  8,0 0 4 0.000004 7 M WS 5000000 + 8 [db]\n"
                           "  8,0 0 5 0.000005 7 D WS 100 + 8 [db]\n";
  auto imp               = trace::import_blkparse(dir.write("t.txt", text), o);
  EXPECT_EQ(imp.requests, 1u);
  o.blk_event = "Q";
  EXPECT_EQ(error_of([&] { trace::import_blkparse(dir.write("t.txt", text), o); }),
            "t.txt:3: request at byte 2560000000 + 4096 is beyond the device (1073741824 bytes): give the device a "
            "larger capacity");
  o.blk_event = "D";
  EXPECT_EQ(error_of([&] {
              trace::import_blkparse(dir.write("t.txt", text + "  8,0 0 6 0.000006 7 D WS 5000000 + 8 [db]\n"), o);
            }).substr(0, 40),
            "t.txt:6: request at byte 2560000000 + 40");
}

// A source that yields nothing after its filters is an error saying which filter left nothing.
TEST(Blkparse, NothingToReplayIsAnError)
{
  TempDir dir;
  const std::string one = "  8,0 0 1 0.000001 7 D R 100 + 8 [a]\n  8,0 0 2 0.001234500 7 D R 200 + 8 [a]\n";
  auto err              = [&](const std::string& text, const trace::TraceOptions& o) {
    return error_of([&] { trace::import_blkparse(dir.write("t.txt", text), o); });
  };
  auto o    = opts();
  o.blk_dev = "9,9";
  EXPECT_EQ(err(one, o), "t.txt: no requests: no D events with data for device 9,9 (the trace has 8,0)");
  o.blk_dev = "junk";
  EXPECT_EQ(err(one, o), "t.txt: \"dev\": \"junk\" is not a device number MAJ,MIN (e.g. \"8,0\")");
  o.blk_dev = "08,000"; // the same device as 8,0
  EXPECT_EQ(trace::import_blkparse(dir.write("t.txt", one), o).requests, 2u);
  o = opts();
  EXPECT_EQ(err("", o), "t.txt: no requests: the file has no blkparse event lines");
  EXPECT_EQ(err("\n\nCPU0 (sda):\n", o), "t.txt: no requests: the file has no blkparse event lines");
  EXPECT_EQ(err("  8,0 0 1 0.1 7 D FN [a]\n  8,0 0 2 0.2 7 Q R 8 + 8 [a]\n", o),
            "t.txt: no requests: no D events with SECTOR + NSECTORS (1 without data: flush, discard); the trace has "
            "1 Q events: try \"event\": \"Q\"");
  o.start_ns = 100000ull * 1000000;
  EXPECT_EQ(err(one, o), "t.txt: no requests: start_ms 100000 is past the trace's last request at 1.2335 ms (from "
                         "its first)");
}

TEST(Msr, EmptyFileOrWindowIsAnError)
{
  TempDir dir;
  EXPECT_EQ(error_of([&] { trace::import_msr(dir.write("t.csv", "\n"), opts()); }),
            "t.csv: no requests: the file has no CSV records");
  EXPECT_EQ(error_of([&] {
              trace::import_msr(dir.write("t.csv", "Timestamp,Hostname,DiskNumber,Type,Offset,Size,"
                                                   "ResponseTime\n"),
                                opts());
            }),
            "t.csv: no requests: the file has no CSV records");
  auto o      = opts();
  o.start_ns  = 1000000;
  o.length_ns = 1000000;
  EXPECT_EQ(error_of([&] { trace::import_msr(dir.write("t.csv", "0,h,0,Read,0,512,1\n50000,h,0,Read,0,512,1\n"), o); }),
            "t.csv: no requests in the window start_ms 1, length_ms 1: the first request after start_ms is at 5 ms");
}

TEST(Msr, OutOfOrderTimestampsAreSortedWithOneWarning)
{
  TempDir dir;
  auto imp = trace::import_msr(dir.write("t.csv", "30000,h,0,Read,0,512,1\n10000,h,0,Read,512,512,1\n"
                                                  "20000,h,0,Read,1024,512,1\n40000,h,0,Read,1536,512,1\n"),
                               opts());
  ASSERT_EQ(imp.requests, 4u);
  const auto& r = imp.tasks[0].records;
  EXPECT_EQ(r[0].offset, 512u);
  EXPECT_EQ(r[2].t_ns, 2000000u);
  ASSERT_EQ(imp.warnings.size(), 1u);
  EXPECT_EQ(imp.warnings[0].substr(imp.warnings[0].rfind('/') + 1),
            "t.csv: 2 requests were out of time order in the file and were replayed in timestamp order");
}

TEST(Iolog, Version3TimestampsAreMicroseconds)
{
  TempDir dir;
  auto imp = trace::import_iolog(dir.write("l.log", "fio version 3 iolog\n0 /dev/sda add\n1 /dev/sda open\n"
                                                    "10 /dev/sda read 0 4096\n250 /dev/sda write 8192 8192\n"
                                                    "300 /dev/sda sync 0 0\n400 /dev/sda close\n"),
                                 opts());
  EXPECT_EQ(imp.iolog_version, 3);
  ASSERT_EQ(imp.requests, 2u);
  const auto& r = imp.tasks[0].records;
  EXPECT_EQ(r[0].t_ns, 0u);
  EXPECT_EQ(r[1].t_ns, 240000u); // (250 - 10) us
  EXPECT_TRUE(r[1].write);
  EXPECT_EQ(imp.warnings.size(), 1u); // the sync entry
}

TEST(Iolog, Version2HasNoTimestampsButWaits)
{
  TempDir dir;
  auto imp = trace::import_iolog(dir.write("l.log", "fio version 2 iolog\nf add\nf open\nf read 0 512\nf wait 1000\n"
                                                    "f write 512 512\nf close\n"),
                                 opts());
  EXPECT_EQ(imp.iolog_version, 2);
  ASSERT_EQ(imp.requests, 2u);
  EXPECT_EQ(imp.tasks[0].records[1].t_ns, 1000000u);
  auto bad = [&](const std::string& text) {
    return error_of([&] { trace::import_iolog(dir.write("l.log", text), opts()); });
  };
  EXPECT_EQ(bad("fio version 2 iolog\nf read 0\n"), "l.log:2: read needs OFFSET LENGTH");
  EXPECT_EQ(bad("fio version 3 iolog\n5 f fly 0 1\n").substr(0, 30), "l.log:2: unknown action \"fly\" ");
  EXPECT_EQ(bad("fio version 9 iolog\n").substr(0, 20), "l.log:1: expected th");
}

TEST(Iolog, NoReadOrWriteIsAnError)
{
  TempDir dir;
  EXPECT_EQ(error_of([&] {
              trace::import_iolog(
                  dir.write("l.log", "fio version 3 iolog\n0 f add\n1 f open\n2 f sync 0 0\n3 f close\n"), opts());
            }),
            "l.log: no requests: no read or write entries (1 sync, datasync or trim entries are not replayed)");
}

// Regression for iolog_fuzz's first finding (docs/testing.md): a line of only \v or \f is blank,
// not a v3 line whose missing timestamp was read from an empty token list.
TEST(Iolog, WhitespaceOnlyLinesAreBlank)
{
  TempDir dir;
  auto imp = trace::import_iolog(dir.write("l.log", "fio version 3 iolog\n\v\r\n\f\n10 f read 0 512\n"), opts());
  EXPECT_EQ(imp.requests, 1u);
  const std::string crash = "\n\n\n\n\nfio version 3 iolog\r\n\n\n\r\n\n\n\n\r\n\v\r\no\n";
  EXPECT_EQ(error_of([&] { trace::import_iolog(dir.write("c.log", crash), opts()); }),
            "c.log:15: \"o\" is not a timestamp (microseconds)");
}

TEST(Trace, WindowAndScale)
{
  TempDir dir;
  auto o      = opts();
  o.start_ns  = 1000000; // skip the first ms
  o.length_ns = 2000000; // keep two
  o.scale_ppm = 500000;  // twice as fast
  auto imp    = trace::import_msr(dir.write("t.csv", "0,h,0,Read,0,512,1\n10000,h,0,Read,0,512,1\n"
                                                        "25000,h,0,Read,0,512,1\n30000,h,0,Read,0,512,1\n"),
                                  o);
  // ticks 10000 = 1 ms and 25000 = 2.5 ms are inside [1, 3) ms; 3 ms is not.
  ASSERT_EQ(imp.requests, 2u);
  EXPECT_EQ(imp.tasks[0].records[0].t_ns, 0u);
  EXPECT_EQ(imp.tasks[0].records[1].t_ns, 750000u); // 1.5 ms at half the time
  // The first request kept is time 0 even when the window opens before it (start 0.5 ms, first
  // kept at 1 ms): the replay does not idle through the part of the window before it.
  o.start_ns  = 500000;
  o.length_ns = 3000000; // [0.5, 3.5) ms: the records at 1 and 2.5 ms
  imp        = trace::import_msr(dir.write("u.csv", "0,h,0,Read,0,512,1\n10000,h,0,Read,0,512,1\n"
                                                    "25000,h,0,Read,0,512,1\n"),
                                 o);
  ASSERT_EQ(imp.requests, 2u);
  EXPECT_EQ(imp.tasks[0].records[0].t_ns, 0u);
  EXPECT_EQ(imp.tasks[0].records[1].t_ns, 750000u);
}
