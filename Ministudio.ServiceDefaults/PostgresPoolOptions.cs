using System.Data.Common;
using Npgsql;

namespace Ministudio.ServiceDefaults;

/// <summary>
/// Postgres:Pool settings: how many PostgreSQL connections one service process keeps at most. Npgsql's own default
/// (100) lets a burst of requests run ~100 backends at once, which on a few cores costs PostgreSQL 2–3× the CPU per
/// statement (contention on locks and the process array; docs/benchmarks.md, P3) and serves fewer requests, not more.
/// </summary>
public sealed class PostgresPoolOptions
{
    public const string Section = "Postgres:Pool";

    /// <summary>
    /// Connections at most; 0 (the default) means 4 per core of the process, at least 8. A `Maximum Pool Size` named
    /// in ConnectionStrings:postgres wins over this setting.
    /// </summary>
    public int MaxSize { get; set; }

    public int Effective => MaxSize > 0 ? MaxSize : Math.Max(8, 4 * Environment.ProcessorCount);

    /// <summary>The connection string with this pool size, unless it names its own (a deployment's choice wins).</summary>
    public string Bound(string connectionString) =>
        NamesPoolSize(connectionString) ? connectionString : new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = Effective }.ConnectionString;

    // Npgsql's builder reports its default (100) for an unnamed size, so whether one was named is read from the keys the
    // generic builder parsed (quoting handled), spaces ignored as Npgsql ignores them ("Max Pool Size", "MaxPoolSize").
    private static bool NamesPoolSize(string connectionString) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal))
            .Any(key => key.Equals("MaximumPoolSize", StringComparison.OrdinalIgnoreCase) || key.Equals("MaxPoolSize", StringComparison.OrdinalIgnoreCase));
}
