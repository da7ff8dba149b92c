// The service's counters, rendered in the Prometheus text format (version 0.0.4) for GET /metrics:
// requests by route and status, a request latency histogram, connections dropped by why (a read
// or write timeout, over --max-connections), claim-line decisions by outcome, pack reloads by
// result, and the pack in force as an info metric labelled with its hash.
//
// Every counter is a relaxed atomic in a fixed table, so recording costs no lock on the request
// path. Routes are a fixed list (an unknown path counts as "other"), so no client can grow the
// label set. Knows nothing of HTTP libraries.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/core/decision.h"

namespace warrant::service {

#define WARRANT_SERVICE_ROUTES(X)   \
  X(Decide, "/v1/decide", "POST")   \
  X(Explain, "/v1/explain", "POST") \
  X(Reload, "/v1/reload", "POST")   \
  X(Healthz, "/healthz", "GET")     \
  X(Metrics, "/metrics", "GET")

enum class Route : uint8_t {
#define WARRANT_ROUTE_ENUM(Name, Path, Method) Name,
  WARRANT_SERVICE_ROUTES(WARRANT_ROUTE_ENUM)
#undef WARRANT_ROUTE_ENUM
      Other,  // any other path
};
inline constexpr size_t kRouteCount = static_cast<size_t>(Route::Other) + 1;

// The route of a path ("/v1/decide"), Other when it is none of them.
Route RouteOf(std::string_view path);
// "/v1/decide"; "other" for Other.
std::string_view RoutePath(Route route);
// The one method a route answers ("POST"); "" for Other.
std::string_view RouteMethod(Route route);

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds (then +Inf).
  static constexpr std::array<double, 14> kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

  void CountRequest(Route route, int status, uint64_t nanoseconds);
  void CountDecision(Decision decision);
  void CountReload(bool ok);
  // A connection closed by the service: a client too slow to send a request or to take a reply,
  // or one over --max-connections.
  enum class Drop : uint8_t { ReadTimeout, WriteTimeout, OverLimit };
  void CountDrop(Drop why);

  // The exposition text; `pack_hash` labels warrant_pack_info.
  std::string Render(std::string_view pack_hash) const;

 private:
  static constexpr size_t kStatuses = 600;  // 100..599; anything else counts as 0
  std::array<std::array<std::atomic<uint64_t>, kStatuses>, kRouteCount> requests_{};
  std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets_{};
  std::atomic<uint64_t> latency_ns_{0};
  std::array<std::atomic<uint64_t>, static_cast<size_t>(Decision::Rejected) + 1> decisions_{};
  std::atomic<uint64_t> reloads_ok_{0}, reloads_failed_{0};
  std::array<std::atomic<uint64_t>, 3> drops_{};
};

}  // namespace warrant::service
