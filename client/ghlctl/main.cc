// ghlctl entry point: wires the real process (argv, environment, terminal,
// clock) into ghl::client::ghlctl::Run, which holds all the logic.
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "client/clock.h"
#include "client/ghlctl/commands.h"

namespace {

std::atomic<bool> g_stop{false};

void OnStopSignal(int) { g_stop.store(true); }

// For `ghlctl sync --every`: SIGINT/SIGTERM end it between pages.
const std::atomic<bool>* CatchStopSignals() {
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  return &g_stop;
}

}  // namespace

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
  options.catch_stop_signals = CatchStopSignals;
  return ghl::client::ghlctl::Run(args, console, options);
}
