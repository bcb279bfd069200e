using Npgsql;

namespace Ministudio.AppHost.Hosting;

/// <summary>
/// PostgreSQL from the machine's binaries: a cluster initialised once under the run folder (trust auth, loopback only),
/// the server in the foreground, and the model's database created when missing. Run as root, it runs as the
/// <c>postgres</c> user, which PostgreSQL requires.
/// </summary>
internal sealed class PostgresRunner(PostgresServerResource resource, ResourceLog log, LaunchContext context)
    : InfrastructureRunner(resource, log, context)
{
    private const string ServiceUser = "postgres";

    private string _binaries = "";
    private int _port;

    public override string ConnectionString => ConnectionStringFor(resource.DatabaseName);

    // SIGTERM would wait for every client to disconnect; SIGINT is PostgreSQL's "fast" shutdown.
    protected override StopSignal StopSignal => StopSignal.Interrupt;

    private string DataDirectory => Path.Combine(ResourceDirectory, "data");

    public override void Prepare(PortAllocator ports)
    {
        _binaries = FindBinaries() ?? throw HostEnvironment.MissingBinary("postgres (initdb)", "postgresql");
        _port = ports.Free();
    }

    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(ResourceDirectory);
        var runAs = Environment.IsPrivilegedProcess ? await PrepareServiceUserAsync(cancellationToken) : null;

        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            Log.Line($"initialising a new cluster in {DataDirectory}");
            var (exitCode, output) = await ManagedProcess.RunToEndAsync(
                Path.Combine(_binaries, "initdb"),
                ["-D", DataDirectory, "-U", ServiceUser, "--auth=trust", "--encoding=UTF8", "--locale=C"],
                environment: null, runAs, cancellationToken);
            if (exitCode != 0) throw new DistributedApplicationException($"{Resource.Name}: initdb failed ({exitCode}):{Environment.NewLine}{output}");
        }

        Process = ManagedProcess.Start(
            new ProcessSpec(Path.Combine(_binaries, "postgres"),
                ["-D", DataDirectory, "-p", $"{_port}", "-k", ResourceDirectory, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
                ResourceDirectory) { UserName = runAs },
            Log);
        await WaitUntilReadyAsync("connect", CanConnectAsync, cancellationToken);
        await EnsureDatabaseAsync(cancellationToken);
    }

    private static string? FindBinaries()
    {
        if (HostEnvironment.FindExecutable("initdb") is { } initdb) return Path.GetDirectoryName(initdb);
        const string debianRoot = "/usr/lib/postgresql";
        if (!Directory.Exists(debianRoot)) return null;
        return Directory.GetDirectories(debianRoot)
            .Select(version => (Version: int.TryParse(Path.GetFileName(version), out var number) ? number : -1, Bin: Path.Combine(version, "bin")))
            .Where(candidate => File.Exists(Path.Combine(candidate.Bin, "initdb")))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Bin)
            .FirstOrDefault();
    }

    /// <summary>Creates the postgres user when missing and hands it the resource's folder, as ci/infra.sh does.</summary>
    private async Task<string> PrepareServiceUserAsync(CancellationToken cancellationToken)
    {
        var (exists, _) = await ManagedProcess.RunToEndAsync("id", ["-u", ServiceUser], null, null, cancellationToken);
        if (exists != 0)
        {
            var (created, output) = await ManagedProcess.RunToEndAsync("useradd", ["-r", ServiceUser], null, null, cancellationToken);
            if (created != 0) throw new DistributedApplicationException($"{Resource.Name}: could not create the '{ServiceUser}' user: {output}");
        }
        var (owned, chownOutput) = await ManagedProcess.RunToEndAsync("chown", ["-R", ServiceUser, ResourceDirectory], null, null, cancellationToken);
        if (owned != 0) throw new DistributedApplicationException($"{Resource.Name}: could not give {ResourceDirectory} to '{ServiceUser}': {chownOutput}");
        return ServiceUser;
    }

    private async Task<string?> CanConnectAsync(CancellationToken cancellationToken)
    {
        // Connection failures are thrown and reported as the reason; a successful open means ready.
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres") + ";Pooling=false;Timeout=3");
        await connection.OpenAsync(cancellationToken);
        return null;
    }

    private async Task EnsureDatabaseAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres") + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", resource.DatabaseName);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null) return;

        // CREATE DATABASE takes no parameters; the name is quoted as an identifier.
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{resource.DatabaseName.Replace("\"", "\"\"")}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        Log.Line($"created database {resource.DatabaseName}");
    }

    private string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Username = ServiceUser,
        Database = database,
    }.ConnectionString;
}
