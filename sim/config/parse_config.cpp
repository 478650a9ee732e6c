// Top level, kernel, scheduler, devices and cgroups of a config (docs/config.md).
#include "sim/config/parse_config.hpp"

#include "schedulers/elevator.hpp"
#include "sim/config/input_error.hpp"
#include "sim/config/input_file.hpp"
#include "sim/config/overrides.hpp"
#include "sim/config/units.hpp"
#include "sim/devices/device.hpp"

#include <cerrno>
#include <cstring>
#include <set>
#include <sstream>

namespace iosim
{

static void parse_kernel(const JsonNode& root, Scenario& sc, json& norm)
{
  json j = root.has("kernel") ? root.value().at("kernel") : json::object();
  JsonNode k(j, root.file(), "kernel");
  k.only_keys({"ioc_api", "memory_model", "schedule", "step_jitter_ns", "gfp_atomic_fail_rate", "hz", "nr_requests",
               "dirty_bytes", "dirty_background_bytes", "dirty_writeback_ms", "dirty_expire_ms"});
  KernelSpec& ks          = sc.kernel;
  ks.ioc_api              = k.get_enum("ioc_api", {"legacy", "fixed", "cic_changed"}, "fixed");
  ks.memory_model         = k.get_enum("memory_model", {"sc", "tso", "weak"}, "sc");
  ks.schedule             = k.get_enum("schedule", {"random"}, "random");
  ks.step_jitter_ns       = uint64_t(k.get_int("step_jitter_ns", 0, 1000000, 50));
  ks.gfp_atomic_fail_rate = k.get_double("gfp_atomic_fail_rate", 0.0, 1.0, 0.0);
  if (k.has("hz") && !k.value().at("hz").is_number_integer())
    k.fail("hz", describe(k.value().at("hz")) + " is not one of the kernel's CONFIG_HZ values: 100, 250, 300, 1000");
  ks.hz = int(k.get_int("hz", 100, 1000, 1000));
  if (ks.hz != 100 && ks.hz != 250 && ks.hz != 300 && ks.hz != 1000)
    k.fail("hz", std::to_string(ks.hz) + " is not one of the kernel's CONFIG_HZ values: 100, 250, 300, 1000");
  ks.nr_requests            = int(k.get_int("nr_requests", 4, 1000000, 128));
  ks.dirty_bytes            = k.get_bytes("dirty_bytes", 4096, 1ull << 40, 64ull << 20);
  ks.dirty_background_bytes = k.get_bytes("dirty_background_bytes", 4096, 1ull << 40, 16ull << 20);
  if (ks.dirty_background_bytes > ks.dirty_bytes)
    k.fail("dirty_background_bytes", format_bytes(ks.dirty_background_bytes) + " exceeds kernel.dirty_bytes (" +
                                         format_bytes(ks.dirty_bytes) + ")");
  ks.dirty_writeback_ms = uint64_t(k.get_int("dirty_writeback_ms", 1, 3600000, 5000));
  ks.dirty_expire_ms    = uint64_t(k.get_int("dirty_expire_ms", 0, 3600000, 3000));
  norm["kernel"]        = {{"ioc_api", ks.ioc_api},
                           {"memory_model", ks.memory_model},
                           {"schedule", ks.schedule},
                           {"step_jitter_ns", ks.step_jitter_ns},
                           {"gfp_atomic_fail_rate", ks.gfp_atomic_fail_rate},
                           {"hz", ks.hz},
                           {"nr_requests", ks.nr_requests},
                           {"dirty_bytes", ks.dirty_bytes},
                           {"dirty_background_bytes", ks.dirty_background_bytes},
                           {"dirty_writeback_ms", ks.dirty_writeback_ms},
                           {"dirty_expire_ms", ks.dirty_expire_ms}};
}

static void parse_scheduler(const JsonNode& root, Scenario& sc, json& norm)
{
  json j = root.has("scheduler") ? root.value().at("scheduler") : json::object();
  JsonNode s(j, root.file(), "scheduler");
  std::vector<std::string> names, keys = {"name"};
  for (const auto& t : elevator_types()) {
    names.push_back(t.name);
    keys.push_back(t.name);
  }
  s.only_keys(keys);
  sc.scheduler.name = s.get_enum("name", names, "noop");
  // Every elevator section given is validated, the selected one with its defaults filled in; the
  // others are kept as written (a sweep over scheduler.name uses them) with a warning, since
  // only the selected elevator reads its tunables.
  json norm_s = {{"name", sc.scheduler.name}};
  for (const auto& t : elevator_types()) {
    const bool selected = sc.scheduler.name == t.name;
    if (!selected && !s.has(t.name)) continue;
    json tun = s.has(t.name) ? s.value().at(t.name) : json::object();
    JsonNode tn(tun, root.file(), std::string("scheduler.") + t.name);
    std::vector<std::string> tnames;
    for (const auto& row : t.tunables)
      tnames.push_back(row.name);
    tn.only_keys(tnames);
    json out = json::object();
    for (const auto& row : t.tunables) {
      const int64_t dflt = t.default_at_hz ? t.default_at_hz(row, sc.kernel.hz) : row.dflt;
      if (selected || tn.has(row.name)) out[row.name] = tn.get_int(row.name, row.lo, row.hi, dflt);
    }
    if (selected)
      sc.scheduler.tunables = out;
    else
      sc.warnings.push_back("scheduler." + std::string(t.name) + " is set but scheduler.name is " +
                            sc.scheduler.name + ": its tunables are checked but not used");
    norm_s[t.name] = out;
  }
  norm["scheduler"] = norm_s;
}

static void parse_devices(const JsonNode& root, Scenario& sc, json& norm)
{
  auto devs = root.array("devices");
  if (devs.empty()) root.fail("devices", "missing or empty (expected at least one device)");
  std::vector<std::string> models;
  for (const auto& t : device_types())
    models.push_back(t.name);
  norm["devices"] = json::array();
  for (const auto& d : devs) {
    d.expect_object();
    DeviceSpec ds;
    ds.name = d.get_string("name");
    if (!valid_name(ds.name))
      d.fail("name", describe(d.value().at("name")) + " is not a device name (1-64 letters, digits, _ - + @ :)");
    if (sc.device(ds.name)) d.fail("name", "\"" + ds.name + "\" is already used by another device");
    ds.model                      = d.get_enum("model", models);
    const DeviceType* t           = find_device_type(ds.model);
    std::vector<std::string> keys = {"name", "model"};
    for (const auto& p : t->params)
      keys.push_back(p.name);
    d.only_keys(keys);
    json params = json::object();
    for (const auto& p : t->params) {
      if (p.integer)
        params[p.name] = d.get_int(p.name, int64_t(p.lo), int64_t(p.hi), int64_t(p.dflt));
      else
        params[p.name] = d.get_double(p.name, p.lo, p.hi, p.dflt);
    }
    if (ds.model == "hdd" && params["seek_full_ms"].get<double>() < params["seek_track_ms"].get<double>())
      d.fail("seek_full_ms", params["seek_full_ms"].dump() + " is below seek_track_ms (" +
                                 params["seek_track_ms"].dump() +
                                 "): a full-stroke seek cannot be shorter than one track");
    if (ds.model == "ssd")
      for (const char* dir : {"read", "write"}) {
        double lat_ns = 1e3 * params[std::string(dir) + "_latency_us"].get<double>();
        double x_ns   = 4096e3 / params[std::string(dir) + "_mbs"].get<double>();
        if (lat_ns < x_ns)
          d.fail(std::string(dir) + "_latency_us", "is below the time to transfer 4 KiB at " + std::string(dir) +
                                                       "_mbs (" + json(x_ns / 1e3).dump() + " us)");
      }
    ds.params         = params;
    auto model        = make_device(ds.model, params);
    ds.capacity_bytes = model->capacity();
    ds.queue_depth    = model->queue_depth();
    ds.rotational     = model->rotational();
    json nd           = params;
    nd["name"]        = ds.name;
    nd["model"]       = ds.model;
    norm["devices"].push_back(nd);
    sc.devices.push_back(ds);
  }
}

static void parse_cgroups(const JsonNode& root, Scenario& sc, json& norm)
{
  // CFQ's root group has weight 2 x 500 = 1000 (spec F); it always exists.
  sc.cgroups.push_back({"root", 1000});
  norm["cgroups"] = json::array();
  for (const auto& c : root.array("cgroups")) {
    c.only_keys({"name", "weight"});
    CgroupSpec cs;
    cs.name = c.get_string("name");
    if (cs.name == "root")
      c.fail("name", "\"root\" is implicit (CFQ's root group, weight 1000, spec F); name your cgroups otherwise");
    if (!valid_name(cs.name))
      c.fail("name", describe(c.value().at("name")) + " is not a cgroup name (1-64 letters, digits, _ - + @ :)");
    if (sc.cgroup(cs.name)) c.fail("name", "\"" + cs.name + "\" is already used by another cgroup");
    cs.weight = int(c.get_int("weight", 10, 1000, 500)); // blkio.weight 10..1000, default 500 (spec F)
    sc.cgroups.push_back(cs);
    norm["cgroups"].push_back({{"name", cs.name}, {"weight", cs.weight}});
  }
}

Scenario parse_config(const json& doc, const std::string& file)
{
  JsonNode root(doc, file, "");
  root.expect_object();
  root.only_keys({"description", "seed", "duration_ms", "kernel", "scheduler", "devices", "cgroups", "tasks", "events",
                  "workloads", "generators"});
  Scenario sc;
  sc.source_file      = file;
  auto slash          = file.rfind('/');
  sc.base_dir         = slash == std::string::npos ? "." : file.substr(0, slash == 0 ? 1 : slash);
  json norm           = json::object();
  sc.description      = root.get_string("description", "");
  sc.seed             = uint64_t(root.get_int("seed", 0, INT64_MAX, 1));
  sc.duration_ms      = uint64_t(root.get_int("duration_ms", 1, 86400000, 1000));
  norm["description"] = sc.description;
  norm["seed"]        = sc.seed;
  norm["duration_ms"] = sc.duration_ms;
  parse_kernel(root, sc, norm);
  parse_scheduler(root, sc, norm);
  parse_devices(root, sc, norm);
  parse_cgroups(root, sc, norm);
  parse_tasks(root, sc, norm);
  parse_workloads(root, sc, norm);
  parse_events(root, sc, norm);
  parse_generators(root, sc, norm);
  sc.normalised = norm;
  return sc;
}

static std::string line_col(const std::string& text, size_t byte)
{
  size_t line = 1, col = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i, ++col)
    if (text[i] == '\n') {
      ++line;
      col = 0;
    }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

// First pass over the config text (SAX, no document built): nesting deeper than kMaxDepth and
// duplicate keys in one object are rejected before anything is allocated for them. A separate
// pass keeps the DOM parse plain: nlohmann's callback parser rescans the enclosing array at every
// object end, which made a 30,000-task config take quadratic time.
class ConfigTextCheck : public nlohmann::json_sax<json>
{
 public:
  ConfigTextCheck(const std::string& path, const std::string& text) : path_(path), text_(text) {}
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override
  {
    open();
    keys_.emplace_back();
    return true;
  }
  bool key(string_t& k) override
  {
    if (!keys_.back().insert(k).second)
      throw InputError(path_ + ": duplicate key \"" + k + "\" in one object (the earlier value would be ignored)");
    return true;
  }
  bool end_object() override
  {
    keys_.pop_back();
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override
  {
    open();
    return true;
  }
  bool end_array() override
  {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t byte, const std::string&, const nlohmann::detail::exception& e) override
  {
    if (e.id == 406) throw InputError(path_ + ": invalid JSON: a number is too large for a double");
    std::string what = e.what();
    auto p           = what.find("syntax error");
    throw InputError(path_ + ": " + line_col(text_, byte ? byte - 1 : 0) +
                     ": invalid JSON: " + (p == std::string::npos ? what : what.substr(p)));
  }

 private:
  static constexpr int kMaxDepth = 64;
  void open()
  {
    if (++depth_ > kMaxDepth)
      throw InputError(path_ + ": nesting deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  const std::string& path_;
  const std::string& text_;
  int depth_ = 0;
  std::vector<std::set<std::string>> keys_; // the keys seen in each open object
};

// Parses the config text: JSON syntax with line and column, numbers a double cannot hold, nesting
// deeper than 64 levels, duplicate keys in one object and NUL bytes are all rejected (a typo must
// never pass silently, and no input may exhaust the stack).
static json parse_text(const std::string& path, const std::string& text)
{
  auto nul = text.find('\0');
  if (nul != std::string::npos) throw InputError(path + ": " + line_col(text, nul) + ": invalid JSON: NUL byte");
  ConfigTextCheck check(path, text);
  json::sax_parse(text, &check);
  try {
    return json::parse(text);
  } catch (const json::exception& e) { // the check pass accepted it, so this is iosim's bug
    internal_error(__FILE__, __LINE__, std::string("config accepted by the check pass but not parsed: ") + e.what());
  }
}

// "tasks.0.job.bs" -> "tasks[0].job.bs", the path form used in messages.
static std::string message_path(const std::string& dotted)
{
  std::string out, part;
  std::stringstream ss(dotted);
  while (std::getline(ss, part, '.')) {
    bool index = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
    out += index ? "[" + part + "]" : (out.empty() ? "" : ".") + part;
  }
  return out;
}

Scenario load_config_text(const std::string& path, const std::string& text, const std::vector<std::string>& overrides)
{
  json doc = parse_text(path, text);
  for (const auto& o : overrides)
    apply_override(doc, o);
  try {
    return parse_config(doc, path);
  } catch (const InputError& e) {
    // A value that came from --set is reported against the flag, not the file.
    // Either the error is inside the value the flag set (its path starts with the flag's), or
    // the flag created the key the error names (an unknown key: the flag's path starts with it).
    std::string msg = e.what();
    if (msg.rfind(path + ": ", 0) != 0) throw;
    std::string rest = msg.substr(path.size() + 2);
    std::string err  = rest.substr(0, rest.find(": "));
    auto under       = [](const std::string& p, const std::string& top) {
      return p == top || p.rfind(top + ".", 0) == 0 || p.rfind(top + "[", 0) == 0;
    };
    for (const auto& o : overrides) {
      std::string op = message_path(o.substr(0, o.find('=')));
      if (under(err, op) || under(op, err)) throw InputError("--set " + o + ": " + rest);
    }
    throw;
  }
}

Scenario load_config(const std::string& path, const std::vector<std::string>& overrides)
{
  return load_config_text(path, read_input_file(path, "a config file", kMaxConfigBytes), overrides);
}

} // namespace iosim
