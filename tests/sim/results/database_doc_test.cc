// docs/DATABASE.md against real databases written by the built `teepsim` (a 2-point sweep with 2
// replications, and a single run): every table, column (with its declared type), view and unit
// in the files is documented, and nothing is documented that the files do not have; time series
// and session causes found are documented. Also the analysis columns on these real files: the
// swept flag, run_wide, point_wide and removal_curve.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/sim/results/db_test_util.h"
#include "tests/support/run_teepsim.h"

namespace teepsim::results
{
namespace
{

using test::One;
using test::Query;
using test::Rows;
namespace fs = std::filesystem;

// What DATABASE.md documents.
struct DocObject
{
    bool view = false;
    std::map<std::string, std::string> columns; // name -> declared type (tables), "" in views
    std::set<std::string> placeholders;         // "<parameter key>", "<swept key>"
};
struct Doc
{
    std::map<std::string, DocObject> objects;
    std::set<std::string> units, series, causes;
};

std::string Trim(std::string s)
{
    const auto notSpace = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
    s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
    return s;
}

std::string Unquote(std::string s)
{
    s = Trim(s);
    s.erase(std::remove(s.begin(), s.end(), '`'), s.end());
    return s;
}

// The cells of a Markdown table row ("| a | b |" -> {"a", "b"}).
std::vector<std::string> Cells(const std::string& line)
{
    std::vector<std::string> cells;
    std::string cur;
    for (size_t i = 1; i < line.size(); ++i)
    {
        if (line[i] == '|' && line[i - 1] != '\\')
        {
            cells.push_back(Trim(cur));
            cur.clear();
        }
        else
        {
            cur += line[i];
        }
    }
    return cells;
}

std::vector<std::string> SplitNames(const std::string& cell)
{
    std::vector<std::string> out;
    std::stringstream ss(cell);
    std::string part;
    while (std::getline(ss, part, ','))
    {
        out.push_back(Unquote(part));
    }
    return out;
}

Doc ReadDoc()
{
    std::ifstream f(TEEPSIM_SOURCE_DIR "/docs/DATABASE.md");
    EXPECT_TRUE(f) << "cannot read docs/DATABASE.md";
    Doc doc;
    std::string section, object, header, line;
    bool inTable = false;
    while (std::getline(f, line))
    {
        if (line.starts_with("## "))
        {
            section = line.substr(3);
            object.clear();
            continue;
        }
        if (line.starts_with("### "))
        {
            object.clear();
            const auto a = line.find('`'), b = line.find('`', a + 1);
            if ((section == "Tables" || section == "Views") && a != std::string::npos &&
                b != std::string::npos)
            {
                object = line.substr(a + 1, b - a - 1);
                doc.objects[object].view = section == "Views";
            }
            continue;
        }
        if (!line.starts_with("|"))
        {
            inTable = false;
            continue;
        }
        const auto cells = Cells(line);
        if (!inTable)
        {
            inTable = true;
            header = cells.empty() ? "" : cells[0];
            continue;
        }
        if (cells.empty() || cells[0].starts_with("---"))
        {
            continue;
        }
        if (header == "column" && !object.empty())
        {
            for (const std::string& name : SplitNames(cells[0]))
            {
                if (name.starts_with("<"))
                {
                    doc.objects[object].placeholders.insert(name);
                    continue;
                }
                std::string type = cells.size() > 1 ? cells[1] : "";
                type = type.substr(0, type.find(' '));
                doc.objects[object].columns[name] = doc.objects[object].view ? "" : type;
            }
        }
        else if (header == "unit")
        {
            doc.units.insert(Unquote(cells[0]));
        }
        else if (header == "series")
        {
            doc.series.insert(Unquote(cells[0]));
        }
        else if (header == "cause")
        {
            doc.causes.insert(Unquote(cells[0]));
        }
    }
    return doc;
}

std::set<std::string> Column0(const std::string& db, const std::string& sql)
{
    std::set<std::string> out;
    for (const auto& row : Query(db, sql))
    {
        out.insert(row.at(0));
    }
    return out;
}

std::string Join(const std::set<std::string>& names)
{
    std::string out;
    for (const auto& n : names)
    {
        out += (out.empty() ? "" : ", ") + n;
    }
    return out.empty() ? "(none)" : out;
}

std::set<std::string> Minus(const std::set<std::string>& a, const std::set<std::string>& b)
{
    std::set<std::string> out;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
    return out;
}

// A sweep database (e2e_sweep: verifier.validity 1h and 4h, 2 replications) and a single run
// (e2e_small), made once for the suite by the built binary.
class RealDatabases : public testing::Test
{
  protected:
    static void SetUpTestSuite()
    {
        // Per process: ctest runs each test of the suite as its own process, in parallel.
        s_dir = fs::path(testing::TempDir()) /
                ("results_real_databases_" + std::to_string(static_cast<long>(getpid())));
        fs::remove_all(s_dir);
        fs::create_directories(s_dir);
        if (!fs::exists(teepsim::test::kTeepsim))
        {
            return; // SetUp fails every test with the reason
        }
        s_sweep = teepsim::test::RunTeepsim(s_dir, "sweep " + teepsim::test::kFixtures +
                                                       "e2e_sweep.yaml --jobs 2 --out sweep.db "
                                                       "--progress never");
        s_run = teepsim::test::RunTeepsim(s_dir, "run " + teepsim::test::kFixtures +
                                                     "e2e_small.yaml --quiet --out run.db");
    }
    static void TearDownTestSuite() { fs::remove_all(s_dir); }
    void SetUp() override
    {
        ASSERT_TRUE(fs::exists(teepsim::test::kTeepsim)) << teepsim::test::kTeepsim << " not built";
        ASSERT_EQ(s_sweep.code, 0) << s_sweep.err;
        ASSERT_EQ(s_run.code, 0) << s_run.err;
    }
    static std::string SweepDb() { return (s_dir / "sweep.db").string(); }
    static std::string RunDb() { return (s_dir / "run.db").string(); }

    static inline fs::path s_dir;
    static inline teepsim::test::ProcessResult s_sweep, s_run;
};

// Every table and view of the file has a section under "Tables" or "Views" and every section
// names one; every column (and a table column's declared type) matches its row; generated
// columns match their placeholder row; the units used are exactly those of the Units table.
TEST_F(RealDatabases, DatabaseMdDocumentsEveryTableColumnViewAndUnitAndNothingElse)
{
    const Doc doc = ReadDoc();
    const std::string db = SweepDb();
    std::set<std::string> docTables, docViews;
    for (const auto& [name, o] : doc.objects)
    {
        (o.view ? docViews : docTables).insert(name);
    }
    const auto tables =
        Column0(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                    "'sqlite_%'");
    const auto views = Column0(db, "SELECT name FROM sqlite_master WHERE type = 'view'");
    EXPECT_EQ(tables, docTables) << "undocumented tables: " << Join(Minus(tables, docTables))
                                 << "; documented, not in the file: "
                                 << Join(Minus(docTables, tables));
    EXPECT_EQ(views, docViews) << "undocumented views: " << Join(Minus(views, docViews))
                               << "; documented, not in the file: " << Join(Minus(docViews, views));

    const auto keys = Column0(db, "SELECT DISTINCT key FROM run_params");
    const auto swept = Column0(db, "SELECT DISTINCT key FROM run_params WHERE swept = 1");
    for (const auto& [name, o] : doc.objects)
    {
        SCOPED_TRACE(name);
        std::set<std::string> columns, undocumented;
        for (const auto& row :
             Query(db, "SELECT name, type FROM pragma_table_info('" + name + "')"))
        {
            const std::string& col = row.at(0);
            columns.insert(col);
            const auto it = o.columns.find(col);
            if (it == o.columns.end())
            {
                const bool generated =
                    (o.placeholders.count("<parameter key>") && keys.count(col)) ||
                    (o.placeholders.count("<swept key>") && swept.count(col));
                if (!generated)
                {
                    undocumented.insert(col);
                }
            }
            else if (!o.view)
            {
                EXPECT_EQ(it->second, row.at(1)) << "declared type of " << name << "." << col;
            }
        }
        std::set<std::string> documented;
        for (const auto& [col, type] : o.columns)
        {
            documented.insert(col);
        }
        EXPECT_TRUE(undocumented.empty()) << "undocumented columns: " << Join(undocumented);
        EXPECT_EQ(Minus(documented, columns), std::set<std::string>{})
            << "documented columns that do not exist";
    }
    // The generated columns are there: a parameter of run_wide, the swept key of point_wide.
    EXPECT_EQ(One(db, "SELECT count(*) FROM pragma_table_info('run_wide') WHERE name = "
                      "'policy_check.interval'"),
              "1");
    EXPECT_EQ(swept, std::set<std::string>{"verifier.validity"});

    const auto units = Column0(db, "SELECT unit FROM run_params WHERE unit IS NOT NULL UNION "
                                   "SELECT unit FROM summaries");
    EXPECT_EQ(units, doc.units) << "units used, undocumented: " << Join(Minus(units, doc.units))
                                << "; documented, unused: " << Join(Minus(doc.units, units));
}

// Every time series (scopes stripped; theory series as `<name>_analytic`) and session cause in
// the two files has its row in the documentation.
TEST_F(RealDatabases, DatabaseMdDocumentsEverySeriesAndCauseFound)
{
    const Doc doc = ReadDoc();
    ASSERT_TRUE(doc.series.count("<name>_analytic"));
    for (const std::string& db : {SweepDb(), RunDb()})
    {
        for (std::string series : Column0(db, "SELECT DISTINCT series FROM timeseries"))
        {
            series = series.substr(0, series.find('['));
            const std::string suffix = "_analytic";
            const bool theory = series.ends_with(suffix) &&
                                doc.series.count(series.substr(0, series.size() - suffix.size()));
            EXPECT_TRUE(doc.series.count(series) || theory) << "series " << series;
        }
        for (const std::string& cause : Column0(db, "SELECT DISTINCT cause FROM sessions"))
        {
            EXPECT_TRUE(doc.causes.count(cause)) << "session cause " << cause;
        }
    }
}

// Every example query of DATABASE.md runs on a real sweep database and returns rows (but the
// one for devices still exposed at the horizon: these runs remove the TA everywhere).
TEST_F(RealDatabases, DatabaseMdExampleQueriesRunAndReturnRows)
{
    std::ifstream f(TEEPSIM_SOURCE_DIR "/docs/DATABASE.md");
    std::string line, sql;
    bool inSql = false;
    std::vector<std::string> queries;
    while (std::getline(f, line))
    {
        if (line.starts_with("```"))
        {
            inSql = line == "```sql";
            continue;
        }
        if (!inSql || line.starts_with("--"))
        {
            continue;
        }
        sql += line + "\n";
        if (Trim(line).ends_with(";"))
        {
            queries.push_back(sql);
            sql.clear();
        }
    }
    ASSERT_GE(queries.size(), 10u);
    for (const std::string& q : queries)
    {
        const auto r = teepsim::test::QueryRows(SweepDb(), q);
        EXPECT_EQ(r.error, "") << q;
        EXPECT_FALSE(r.rows.empty() && q.find("r_censored = 1") == std::string::npos) << q;
    }
}

// The sweep marks its one axis in every run; a plain run marks nothing.
TEST_F(RealDatabases, SweptFlagMarksTheSweepAxisOnly)
{
    EXPECT_EQ(Query(SweepDb(), "SELECT key, count(*), group_concat(DISTINCT num) FROM run_params "
                               "WHERE swept = 1 GROUP BY key"),
              (Rows{{"verifier.validity", "4", "3600.0,14400.0"}}));
    EXPECT_EQ(One(RunDb(), "SELECT count(*) FROM run_params WHERE swept = 1"), "0");
    EXPECT_EQ(Query(RunDb(), "SELECT value, num, unit FROM run_params WHERE key = "
                             "'fleet.0.link.bandwidth'"),
              (Rows{{"10Mbps", "10000000.0", "bit/s"}}));
}

// run_wide: one row per run with the parameters as numbers and the run's bucket width
// (6 h / 500 = 43.2 s); point_wide: one row per point, its swept value and the statistics of
// point_summaries with theory.
TEST_F(RealDatabases, WideViewsHaveOneRowPerRunAndPerPoint)
{
    const std::string db = SweepDb();
    EXPECT_EQ(Query(db, "SELECT count(*), count(DISTINCT run_id), min(bucket_ns), max(bucket_ns), "
                        "sum(\"verifier.validity\" = 3600.0), sum(\"fleet.0.count\" = 10) FROM "
                        "run_wide WHERE status = 'ok'"),
              (Rows{{"4", "4", "43200000000", "43200000000", "2", "4"}}));
    EXPECT_EQ(Query(db, "SELECT \"verifier.validity\", runs_ok, R_replications FROM point_wide "
                        "ORDER BY 1"),
              (Rows{{"3600.0", "2", "2"}, {"14400.0", "2", "2"}}));
    EXPECT_EQ(One(db, "SELECT count(*) FROM point_wide w JOIN point_summaries p ON "
                      "p.scenario_hash = w.scenario_hash AND p.metric = 'R' AND p.scope = 'all' "
                      "WHERE p.mean = w.R_mean AND p.ci95_low = w.R_ci95_low AND w.R_analytic "
                      "IS NOT NULL"),
              "2");
}

// removal_curve of a real run: the simulated grid (257 points) with its values unchanged, and
// the theory curve beside it where it is defined (from t = 0).
TEST_F(RealDatabases, RemovalCurvePutsTheoryOnTheSimulatedGrid)
{
    const std::string db = RunDb();
    EXPECT_EQ(One(db, "SELECT count(*) FROM removal_curve WHERE scope = 'all'"), "257");
    EXPECT_EQ(One(db, "SELECT count(*) FROM removal_curve c JOIN timeseries t ON t.run_id = "
                      "c.run_id AND t.series = 'removal_curve' AND t.t_ns = c.t_ns AND t.value = "
                      "c.sim"),
              "257");
    EXPECT_EQ(Query(db, "SELECT sim, analytic FROM removal_curve WHERE t_ns = 0"),
              (Rows{{"1.0", "1.0"}}));
    const int withTheory = std::stoi(One(db, "SELECT count(analytic) FROM removal_curve"));
    EXPECT_GT(withTheory, 10) << "theory on more than the shared t = 0";
    EXPECT_EQ(One(db, "SELECT count(*) FROM removal_curve WHERE analytic < 0 OR analytic > 1"),
              "0");
}

} // namespace
} // namespace teepsim::results
