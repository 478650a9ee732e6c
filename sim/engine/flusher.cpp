// Buffered writes and the per-device flusher (architecture doc, Sync vs async): a buffered
// write dirties the page cache and returns; the flusher writes dirty data back as async
// requests charged to itself, in offset order, when dirty data exceeds
// kernel.dirty_background_bytes or is older than kernel.dirty_expire_ms at its periodic
// wake-up (kernel.dirty_writeback_ms). Writers above kernel.dirty_bytes wait, as in
// balance_dirty_pages.
#include "sim/engine/world.hpp"

#include <algorithm>

namespace iosim
{

static constexpr uint64_t kMaxWritebackBytes = 512 * 1024; // max_sectors_kb of the era
static constexpr double kCopyBytesPerNs      = 4.0;        // page-cache copy at 4 GB/s

void PageCache::add(uint64_t off, uint64_t len, uint64_t now)
{
  uint64_t start = off, end = off + len, dirtied = now;
  auto it = dirty.upper_bound(off);
  if (it != dirty.begin()) {
    auto prev = std::prev(it);
    if (prev->first + prev->second.len >= off) {
      start   = prev->first;
      end     = std::max(end, prev->first + prev->second.len);
      dirtied = std::min(dirtied, prev->second.dirtied_ns);
      dirty_bytes -= prev->second.len;
      dirty.erase(prev);
    }
  }
  while (it != dirty.end() && it->first <= end) {
    end     = std::max(end, it->first + it->second.len);
    dirtied = std::min(dirtied, it->second.dirtied_ns);
    dirty_bytes -= it->second.len;
    it = dirty.erase(it);
  }
  dirty[start] = {end - start, dirtied};
  dirty_bytes += end - start;
}

void buffered_write(World& w, TaskRt& t, DeviceRt& d, uint64_t off, uint64_t len)
{
  uint64_t t0 = now_ns();
  blk_step(w, "BW1", kernel::StepKind::alloc, "grab_cache_page_write_begin");
  sleep_until_ns(w, now_ns() + uint64_t(double(len) / kCopyBytesPerNs));
  d.cache.add(off, len, now_ns());
  if (d.cache.dirty_bytes > w.sc.kernel.dirty_background_bytes && d.flusher) post(w, d.flusher->wake);
  while (d.cache.dirty_bytes + d.cache.writeback_bytes > w.sc.kernel.dirty_bytes) {
    d.dirty_waiters.push_back(&t);
    if (d.flusher) post(w, d.flusher->wake);
    wait_until_ns(w, t.wake, UINT64_MAX);
  }
  TaskResult& r = w.res(t);
  r.write.record(len, now_ns() - t0);
  r.end_ns = now_ns();
}

// Takes the next dirty chunk at or after the cursor (wrapping); `min_age_ns` skips younger data.
static bool next_chunk(PageCache& c, uint64_t older_than, uint64_t& off, uint64_t& len)
{
  for (int pass = 0; pass < 2; ++pass) {
    for (auto it = c.dirty.lower_bound(pass ? 0 : c.cursor); it != c.dirty.end(); ++it) {
      if (it->second.dirtied_ns > older_than) continue;
      off = it->first;
      len = std::min(it->second.len, kMaxWritebackBytes);
      PageCache::Extent rest{it->second.len - len, it->second.dirtied_ns};
      c.dirty.erase(it);
      if (rest.len) c.dirty[off + len] = rest;
      c.dirty_bytes -= len;
      c.writeback_bytes += len;
      c.cursor = off + len;
      return true;
    }
  }
  return false;
}

static void reap(World& w, TaskRt& t, DeviceRt& d)
{
  while (!t.completions.empty()) {
    Request* rq = t.completions.front();
    t.completions.pop_front();
    TaskResult& r = w.res(t);
    r.write.record(rq->bytes, rq->complete_ns - rq->submit_ns);
    r.end_ns = rq->complete_ns;
    d.cache.writeback_bytes -= rq->bytes;
    t.inflight--;
    delete rq;
  }
  while (!d.dirty_waiters.empty() && d.cache.dirty_bytes + d.cache.writeback_bytes <= w.sc.kernel.dirty_bytes) {
    post(w, d.dirty_waiters.front()->wake);
    d.dirty_waiters.pop_front();
  }
}

void flusher_main(World& w, TaskRt& t)
{
  DeviceRt& d       = *w.devices[size_t(t.device)];
  const auto& k     = w.sc.kernel;
  uint64_t periodic = now_ns() + k.dirty_writeback_ms * 1000000;
  while (true) {
    reap(w, t, d);
    if (w.live_tasks == 0) { // end of the run: finish what is in flight, start nothing new
      if (t.inflight == 0) break;
      wait_until_ns(w, t.wake, UINT64_MAX);
      continue;
    }
    uint64_t now = now_ns();
    uint64_t off, len;
    while (d.cache.dirty_bytes > k.dirty_background_bytes && next_chunk(d.cache, UINT64_MAX, off, len)) {
      auto* rq = new Request{w.next_request_id++, t.index, w.res(t).cgroup, off, len, true, false};
      submit_request(w, t, rq);
    }
    if (now >= periodic) {
      uint64_t older = now >= k.dirty_expire_ms * 1000000 ? now - k.dirty_expire_ms * 1000000 : 0;
      while (next_chunk(d.cache, older, off, len)) {
        auto* rq = new Request{w.next_request_id++, t.index, w.res(t).cgroup, off, len, true, false};
        submit_request(w, t, rq);
      }
      periodic = now + k.dirty_writeback_ms * 1000000;
    }
    wait_until_ns(w, t.wake, periodic);
  }
  w.res(t).exit_ns = now_ns();
  t.exited         = true;
  kernel_exit(w, t.kt);
  t.reaped = true;
  if (--w.live_flushers == 0)
    for (auto& dev : w.devices)
      post(w, dev->kick);
}

TaskRt& create_flusher(World& w, DeviceRt& d)
{
  TaskSpec kthread; // a kernel thread: root, nice 0, root cgroup
  kthread.uid = kthread.euid = 0;
  std::string name           = "flush-" + w.sc.devices[size_t(d.index)].name;
  auto t                     = std::make_unique<TaskRt>(w.sc.seed, uint64_t(w.tasks.size()) + 1);
  t->kt                      = new_kernel_task(w, kthread, name);
  t->index                   = int(w.tasks.size());
  t->flusher                 = true;
  t->device                  = d.index;
  t->wake                    = sg4::Semaphore::create(0);
  TaskResult r;
  r.pid    = t->kt->pid;
  r.name   = name;
  r.kind   = "flusher";
  r.device = d.index;
  r.sync   = false;
  w.out.tasks.push_back(r);
  w.tasks.push_back(std::move(t));
  w.live_flushers++;
  TaskRt* raw = w.tasks.back().get();
  d.flusher   = raw;
  start_actor(w, name, raw->kt, [&w, raw] { flusher_main(w, *raw); });
  return *raw;
}

} // namespace iosim
