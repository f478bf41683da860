// Censoring (THEORY.md §3.4, Broker DoS): when every Broker drops all TEEP traffic, no device is
// ever cleaned, so every exposure has R censored (NULL in the database, never dropped), while
// the stale trust still ends: T_trust is known and at most V + d_V.
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/results.h"
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace teepsim::sim
{
namespace
{

int64_t QueryInt(sqlite3* db, const std::string& sql)
{
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
    int64_t v = -1;
    if (st != nullptr && sqlite3_step(st) == SQLITE_ROW)
    {
        v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return v;
}

TEST(DeploymentCensoring, DropAllBrokerNeverRemovesAndStaleTrustIsBoundedByValidity)
{
    const LoadResult loaded =
        LoadScenario(std::string(TEEPSIM_SOURCE_DIR) + "/tests/sim/fixtures/e2e_drop_all.yaml");
    for (const Diagnostic& d : loaded.diagnostics)
    {
        ADD_FAILURE() << d.ToString();
    }
    ASSERT_TRUE(loaded.ok());
    const Scenario& s = loaded.scenario;
    Deployment d(s);
    d.Build();
    d.Run();
    const recorder::Recorder& rec = d.GetRecorder();

    const int64_t bound = s.verifier.validity_ns + s.verifier.policy_delay_ns;
    ASSERT_EQ(rec.Exposures().size(), static_cast<size_t>(s.TotalDevices()));
    size_t withStaleTrust = 0;
    for (const recorder::Exposure& e : rec.Exposures())
    {
        EXPECT_TRUE(e.rCensored) << "device " << e.device
                                 << " was cleaned through a drop-all Broker";
        EXPECT_FALSE(e.removed.has_value());
        EXPECT_FALSE(e.r.has_value());
        EXPECT_FALSE(e.wClean.has_value()) << "W_clean needs both sides";
        ASSERT_FALSE(e.tTrustCensored) << "device " << e.device;
        ASSERT_TRUE(e.tTrust.has_value());
        EXPECT_GE(*e.tTrust, 0);
        EXPECT_LE(*e.tTrust, bound) << "device " << e.device;
        // R is censored beyond H - t0 >= T_trust, so W_danger = T_trust is known.
        ASSERT_TRUE(e.wDanger.has_value());
        EXPECT_EQ(*e.wDanger, *e.tTrust);
        withStaleTrust += *e.tTrust > 0 ? 1 : 0;
    }
    std::printf("[censoring] %zu exposures, all R censored; %zu with T_trust > 0\n",
                rec.Exposures().size(), withStaleTrust);

    // The database keeps every censored exposure, with NULL windows and the flag set.
    const std::string path = testing::TempDir() + "e2e_censoring.db";
    std::filesystem::remove(path);
    {
        results::ResultsDb db = results::ResultsDb::Open(path);
        results::RunRecord run;
        run.scenarioName = s.name;
        run.scenarioText = s.source.text;
        run.scenarioHash = s.source.hash;
        run.seed = s.seed;
        run.run = s.run;
        run.teepsimVersion = "test";
        run.startedAt = results::NowUtcIso8601();
        db.WriteRun(run, rec, RunParameters(s));
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM exposures"), s.TotalDevices());
    EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM exposures WHERE r_ns IS NULL AND removed_ns IS "
                           "NULL AND r_censored = 1"),
              s.TotalDevices());
    EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM exposures WHERE t_trust_ns IS NOT NULL AND "
                           "t_trust_ns <= " +
                               std::to_string(bound)),
              s.TotalDevices());
    sqlite3_close(db);
    std::filesystem::remove(path);
}

} // namespace
} // namespace teepsim::sim
