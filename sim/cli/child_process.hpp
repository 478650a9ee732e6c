// Runs one simulation in a forked child (architecture doc: one Engine per process; the parent
// never runs a simulation and is the only one that writes output files). A child that dies from
// a signal (a SimGrid abort, say) becomes exit 3 with a message instead of a crash.
#pragma once
#include <functional>
#include <string>
#include <sys/types.h>
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

// The same in two halves, for a parent that runs several children at once (iosim sweep).
// start_child forks; the child dies with the parent (PR_SET_PDEATHSIG) and, when `err_fd` is not
// null, its stderr goes to a pipe returned there. `out_fd` carries the framed parts.
pid_t start_child(const std::function<std::vector<std::string>()>& work, int* out_fd, int* err_fd);
// Decodes what the child sent (`buf`, everything read from out_fd) given its wait status.
ChildOutput decode_child(const std::string& buf, int wait_status);

} // namespace iosim
