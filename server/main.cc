// ghl-gateway: gRPC server for ghl.contacts.v1 in front of GHL API v2.
// Everything is in server/gateway.cc; this file reads the configuration,
// starts the gateway and waits for SIGINT/SIGTERM.
#include <csignal>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "server/gateway.h"
#include "server/gateway_config.h"

extern char** environ;

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

std::map<std::string, std::string> Environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto config = ghl::server::ParseGatewayConfig(args, Environment());
  if (!config.ok()) {
    std::cerr << "ghl-gateway: " << config.status().message() << "\n";
    return 2;
  }
  if (config->help) {
    std::cout << ghl::server::GatewayUsage();
    return 0;
  }
  if (config->tokens.empty() && config->auth.state_file.empty() && config->auth.oauth_client_id.empty()) {
    std::cerr << "ghl-gateway: warning: no location tokens configured (--tokens-file or "
                 "GHL_LOCATION_TOKENS); every call will fail with FAILED_PRECONDITION\n";
  }
  auto gateway = ghl::server::Gateway::Start(*config);
  if (!gateway.ok()) {
    std::cerr << "ghl-gateway: " << gateway.status().message() << "\n";
    return 1;
  }
  if (!config->port_file.empty()) {
    std::ofstream out(config->port_file + ".tmp");
    out << (*gateway)->port() << "\n";
    out.close();
    std::rename((config->port_file + ".tmp").c_str(), config->port_file.c_str());
  }
  std::cout << "ghl-gateway listening on " << (*gateway)->address() << " (upstream "
            << config->upstream << ", " << config->tokens.size() << " location(s) from token files"
            << (config->auth.state_file.empty() ? "" : ", state file, API keys required") << ")"
            << std::endl;
  if ((*gateway)->metrics_port() != 0) {
    std::cout << "ghl-gateway metrics on port " << (*gateway)->metrics_port() << " (/metrics)"
              << std::endl;
  }
  if ((*gateway)->webhook_port() != 0) {
    std::cout << "ghl-gateway webhooks on port " << (*gateway)->webhook_port()
              << " (POST /webhooks/ghl), event log " << config->webhook.event_log << std::endl;
  }
  if ((*gateway)->http_port() != 0) {
    std::cout << "ghl-gateway OAuth callback on port " << (*gateway)->http_port() << " (/oauth/callback)"
              << std::endl;
  }

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::cerr << "ghl-gateway: shutting down" << std::endl;
  (*gateway)->Shutdown();
  return 0;
}
