// Runs one simulation in a forked child (architecture doc: one Engine per process; the parent
// never runs a simulation and is the only one that writes output files). A child that dies from
// a signal (a SimGrid abort, say) becomes exit 3 with a message instead of a crash.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace iosim
{

struct ChildOutput {
  int status = 0;                 // 0 ok, 2 bad input, 3 internal error
  std::vector<std::string> parts; // what the child sent, in order
  std::string error;              // one line when status != 0 and the child said nothing
};

// `work` runs in the child and returns the parts to send back; an InputError thrown there
// prints its message and exits 2.
ChildOutput run_in_child(const std::function<std::vector<std::string>()>& work);

} // namespace iosim
