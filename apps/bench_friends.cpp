// chat-bench-friends: friend recommendations (breadth-first over the friend graph, the query
// GET /users/recommendations runs) on a generated graph: U users with about F friends each
// (random pairs), then p50/p99 of depth-2 and depth-3 walks from random users, and the plan
// of one level's query. Uses the rooms database of the configuration with "_friends_bench"
// appended (recreated unless --bench.reuse and it holds the graph already).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "apps/node_config.hpp"
#include "persistence/db/connection.hpp"
#include "persistence/db/migrations.hpp"
#include "persistence/users/people_queries.hpp"

using namespace chat;
using clock_type = std::chrono::steady_clock;

namespace {

struct friends_bench_config : node_config {
  size_t users = 100000;
  size_t friends = 50;
  size_t walks = 200;
  bool reuse = false;

  friends_bench_config() : node_config("chat-bench-friends") {
    opt_group{custom_options_, "bench"}
      .add(users, "users", "users of the generated graph")
      .add(friends, "friends", "friends per user, on average")
      .add(walks, "walks", "recommendations measured per depth")
      .add(reuse, "reuse", "keep a graph of the same size from an earlier run");
  }
};

int64_t count_of(pqxx::connection& conn, const std::string& sql) {
  pqxx::nontransaction txn{conn};
  return txn.exec1(sql)[0].as<int64_t>();
}

/// U users, and U*F/2 random pairs stored both ways (duplicates and self pairs dropped).
void generate(pqxx::connection& conn, size_t users, size_t friends) {
  pqxx::nontransaction txn{conn};
  auto started = clock_type::now();
  txn.exec_params("INSERT INTO users (username, nickname, password_hash) SELECT 'graph' || i, "
                  "'Graph ' || i, 'x' FROM generate_series(1, $1) AS i",
                  static_cast<int64_t>(users));
  txn.exec("CREATE TEMP TABLE ids AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM users");
  txn.exec("CREATE INDEX ON ids (n)");
  txn.exec_params(
    "INSERT INTO friendships (user_id, friend_id) SELECT a.id, b.id FROM "
    "(SELECT 1 + floor(random() * $1)::bigint AS x, 1 + floor(random() * $1)::bigint AS y "
    "FROM generate_series(1, $2)) AS p JOIN ids a ON a.n = p.x JOIN ids b ON b.n = p.y "
    "WHERE a.id <> b.id ON CONFLICT DO NOTHING",
    static_cast<int64_t>(users), static_cast<int64_t>(users * friends / 2));
  txn.exec("INSERT INTO friendships (user_id, friend_id) SELECT friend_id, user_id FROM "
           "friendships ON CONFLICT DO NOTHING");
  // Analyzed, and vacuumed so that the level query is an index-only scan.
  txn.exec("VACUUM (ANALYZE) users");
  txn.exec("VACUUM (ANALYZE) friendships");
  std::printf(
    "  graph:     %zu users, %lld friendship rows (both directions) in %.1f s\n", users,
    static_cast<long long>(txn.exec1("SELECT count(*) FROM friendships")[0].as<int64_t>()),
    std::chrono::duration<double>(clock_type::now() - started).count());
}

double percentile(std::vector<double> values, double p) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * static_cast<double>(values.size() - 1))];
}

} // namespace

int main(int argc, char** argv) {
  friends_bench_config cfg;
  if (auto problem = cfg.read(argc, argv); !problem.empty()) {
    std::fprintf(stderr, "chat-bench-friends: %s\n", problem.c_str());
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  spdlog::set_level(spdlog::level::warn);
  auto base = cfg.node().db.rooms_dsn;
  auto dsn = with_database(base, database_name(base) + "_friends_bench");
  bool fresh = true;
  try {
    pqxx::connection probe{dsn};
    fresh = !cfg.reuse ||
            count_of(probe, "SELECT count(*) FROM users") != static_cast<int64_t>(cfg.users);
  } catch (const std::exception&) {
    fresh = true;
  }
  if (fresh) {
    pqxx::connection admin{with_database(base, "postgres")};
    pqxx::nontransaction txn{admin};
    txn.exec("DROP DATABASE IF EXISTS " + txn.quote_name(database_name(dsn)) + " WITH (FORCE)");
    txn.exec("CREATE DATABASE " + txn.quote_name(database_name(dsn)));
    txn.commit();
    migrate(dsn, database_kind::rooms);
    pqxx::connection conn{dsn};
    generate(conn, cfg.users, cfg.friends);
  }
  db_connection db{dsn};
  std::vector<int64_t> ids;
  {
    pqxx::read_transaction txn{db.get()};
    for (const auto& row : txn.exec("SELECT id FROM users ORDER BY id"))
      ids.push_back(row[0].as<int64_t>());
  }
  std::mt19937_64 random{42};
  std::uniform_int_distribution<size_t> pick{0, ids.size() - 1};
  for (auto [depth, limit] : {std::pair{2, 20}, std::pair{3, 20}, std::pair{3, 100}}) {
    std::vector<double> millis;
    size_t results = 0;
    for (size_t i = 0; i < cfg.walks; ++i) {
      recommendation_query query{ids[pick(random)], depth, limit};
      auto started = clock_type::now();
      results += people_queries::recommend(db, query).size();
      millis.push_back(
        std::chrono::duration<double, std::milli>(clock_type::now() - started).count());
    }
    std::printf("  depth %d, limit %3d: %zu walks, p50 %.1f ms, p99 %.1f ms, max %.1f ms "
                "(%.1f results on average)\n",
                depth, limit, cfg.walks, percentile(millis, 0.5), percentile(millis, 0.99),
                percentile(millis, 1.0),
                static_cast<double>(results) / static_cast<double>(cfg.walks));
  }
  // What a full third level costs: the level query over a whole depth-2 frontier.
  {
    pqxx::read_transaction txn{db.get()};
    auto user = ids[pick(random)];
    auto frontier = txn.exec_params1(
      "SELECT array_agg(DISTINCT f2.friend_id)::text FROM friendships f1 JOIN friendships f2 ON "
      "f2.user_id = f1.friend_id WHERE f1.user_id = $1",
      user)[0];
    auto started = clock_type::now();
    auto rows = txn.exec_params("SELECT friend_id, count(*) FROM friendships WHERE user_id = "
                                "ANY($1::bigint[]) GROUP BY friend_id",
                                frontier.as<std::string>());
    auto millis = std::chrono::duration<double, std::milli>(clock_type::now() - started).count();
    std::printf("  a full level 3 (the level query over one depth-2 frontier): %zu users reached "
                "in %.1f ms\n",
                rows.size(), millis);
    std::printf("  plan of the level query (depth 2 frontier of one user):\n");
    auto friends_of = txn
                        .exec_params1("SELECT array_agg(friend_id)::text FROM friendships "
                                      "WHERE user_id = $1",
                                      user)[0]
                        .as<std::string>();
    for (const auto& row :
         txn.exec_params("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT "
                         "friend_id, count(*) FROM friendships WHERE user_id = "
                         "ANY($1::bigint[]) GROUP BY friend_id",
                         friends_of))
      std::printf("    %s\n", row[0].c_str());
  }
  return 0;
}
