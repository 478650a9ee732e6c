// A fixture file written by a test into its own temporary directory (removed afterwards).
#pragma once
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace iosim::testing
{

class TempDir
{
 public:
  TempDir()
  {
    char tmpl[] = "/tmp/iosim-test-XXXXXX";
    path_       = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) const
  {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

} // namespace iosim::testing
