using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Ministudio.Bench.Micro;

/// <summary>The in-process hot paths and how BenchmarkDotNet runs them: in this process (no child build), short runs, allocations shown.</summary>
public static class HotPaths
{
    public static readonly Type[] All = [typeof(ApiKeyBenchmarks), typeof(PromptBenchmarks), typeof(RateLimitBenchmarks), typeof(ServiceTrustBenchmarks)];

    public static IConfig Config() => ManualConfig.CreateEmpty()
        .AddColumnProvider(DefaultColumnProviders.Instance)
        .AddLogger(ConsoleLogger.Default)
        .AddExporter(MarkdownExporter.GitHub)
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
        .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "ministudio-bench-artifacts"))
        .WithOptions(ConfigOptions.JoinSummary);

    /// <summary>The repository root (where Ministudio.sln is), for sample files.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ministudio.sln"))) return dir.FullName;
        throw new InvalidOperationException("Ministudio.sln not found above " + AppContext.BaseDirectory);
    }
}
