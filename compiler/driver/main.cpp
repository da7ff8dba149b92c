#include <iostream>
#include <string>
#include <vector>

#include "compiler/driver/commands.h"
#include "compiler/driver/driver.h"
#include "compiler/driver/file_io.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  // Standard input and output through buffers that remember why a read or write failed: a full
  // disk or a closed pipe (with SIGPIPE ignored, as many supervisors do) is an error, not exit 0.
  warrant::driver::FdInBuf in(0, false);
  warrant::driver::FdOutBuf out(1, false);
  std::streambuf* cin_buf = std::cin.rdbuf(&in);
  std::streambuf* cout_buf = std::cout.rdbuf(&out);
  std::vector<std::string> args(argv + 1, argv + argc);
  int status = warrant::driver::Run(args, std::cin, std::cout, std::cerr);
  std::cout.flush();
  if (out.error() != 0 && status != warrant::driver::kExitIo) {
    // The command wrote its output but the last of it (or all of it) did not arrive.
    warrant::driver::PrintPlain(std::cerr, warrant::diag::DiagCode::CannotWrite, "<stdout>",
                                warrant::driver::WriteError(std::cout));
    status = warrant::driver::kExitIo;
  }
  std::cin.rdbuf(cin_buf);
  std::cout.rdbuf(cout_buf);
  return status;
}
