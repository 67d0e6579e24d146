// ghlctl entry point: wires the real process (argv, environment, terminal,
// clock) into ghl::client::ghlctl::Run, which holds all the logic.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "client/clock.h"
#include "client/ghlctl/commands.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  ghl::client::ghlctl::Console console{&std::cin, &std::cout, &std::cerr, ::isatty(STDERR_FILENO) == 1};
  ghl::client::ghlctl::RunOptions options;
  options.clock = ghl::client::MakeDefaultClock();
  options.env = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  return ghl::client::ghlctl::Run(args, console, options);
}
