// The SQL of the results schema (internal to teepsim_results): tables and fixed views, and the
// two views generated from the parameter keys the database holds.
#pragma once

#include <string>
#include <vector>

namespace teepsim::results::detail
{

/// Tables, indices and the fixed views (removal_curve, trust_curve, group_summary) of a new file.
std::string SchemaSql();

/// Columns of run_wide before its parameter columns, and of point_wide before its swept ones.
const std::vector<std::string>& RunWideFixedColumns();
const std::vector<std::string>& PointWideFixedColumns();

/// CREATE VIEW statements of run_wide (one column per key in `keys`) and point_wide (one column
/// per key in `sweptKeys`); keys that clash with a fixed column name are left out.
std::string RunWideViewSql(const std::vector<std::string>& keys);
std::string PointWideViewSql(const std::vector<std::string>& sweptKeys);

} // namespace teepsim::results::detail
