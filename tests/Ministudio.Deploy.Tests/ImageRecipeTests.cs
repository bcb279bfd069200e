using System.Text.RegularExpressions;
using Ministudio.TestSupport;

namespace Ministudio.Deploy.Tests;

/// <summary>
/// deploy/images/Dockerfile (for Docker users) and scripts/images.sh (no Docker engine needed) are one recipe: for every
/// image the same base, package list, user, entrypoint, environment, health check and labels.
/// </summary>
public sealed partial class ImageRecipeTests
{
    private sealed record ScriptImage(string Name, string Base, string Project, string HealthCheck, string User, int Uid, string Home);

    [Fact]
    public async Task The_Dockerfile_builds_every_image_of_the_script_the_same_way()
    {
        var (images, suite, appEnv, infraEnv, dotnetMajor) = await ReadScriptAsync();
        var dockerfile = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "images", "Dockerfile"), TestContext.Current.CancellationToken);
        var stages = Stages(dockerfile);

        Assert.Equal(9, images.Count);
        Assert.Contains($"ARG DEBIAN_IMAGE=debian:{suite}-slim", dockerfile, StringComparison.Ordinal);
        var script = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "scripts", "images.sh"), TestContext.Current.CancellationToken);
        // Both make a base with the same script, inside the root file system, and publish with the same script.
        Assert.Contains("chroot_run \"$root\" sh /tmp/images/rootfs.sh \"$base\"", script, StringComparison.Ordinal);
        Assert.Contains("sh deploy/images/publish.sh \"$project\" \"$out\"", script, StringComparison.Ordinal);
        // Both put the .NET shared runtime of the SDK that publishes the services into the services' bases.
        Assert.Contains("sh deploy/images/dotnet-runtime.sh \"$(dotnet_root)\" \"$mnt\" \"$dotnet_major\"", script, StringComparison.Ordinal);
        Assert.Contains($"sh /mnt/images/dotnet-runtime.sh /usr/share/dotnet /runtime {dotnetMajor}\n", stages["dotnet-runtime"].Body, StringComparison.Ordinal);
        Assert.Contains("COPY --from=dotnet-runtime /runtime/ /\n", stages["base-runtime"].Body, StringComparison.Ordinal);
        Assert.Equal("base-runtime", stages["base-media"].From);
        foreach (var image in images)
        {
            Assert.True(stages.TryGetValue(image.Name, out var target), $"The Dockerfile has no target '{image.Name}'.");
            Assert.Equal($"base-{image.Base}", target.From);
            Assert.Contains($"sh /mnt/images/rootfs.sh {image.Base}\n", stages[target.From].Body, StringComparison.Ordinal);
            // What the target inherits from the stages below it counts as its own; the last USER and HEALTHCHECK win.
            var body = Inherited(stages, image.Name);
            var lines = body.Split('\n');

            Assert.Equal($"USER {image.Uid}:{image.Uid}", lines.Last(l => l.StartsWith("USER ", StringComparison.Ordinal)));
            Assert.Contains("COPY deploy/images/healthcheck.sh /usr/local/bin/healthcheck", body, StringComparison.Ordinal);
            Assert.EndsWith($"CMD [\"/usr/local/bin/healthcheck\", \"{image.HealthCheck}\"]", lines.Last(l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal)), StringComparison.Ordinal);
            Assert.Equal((image.Project.Length > 0 ? appEnv : infraEnv).Order(), EnvOf(body).Order());
            foreach (var label in new[] { "title", "source", "revision", "version", "licenses" })
                Assert.Contains($"org.opencontainers.image.{label}=", body, StringComparison.Ordinal);
            if (image.Project.Length > 0)
            {
                Assert.Contains($"ENTRYPOINT [\"/app/{image.Project}\"]", body, StringComparison.Ordinal);
                Assert.Contains($"COPY --from=publish-{image.Name} /out /app", body, StringComparison.Ordinal);
                Assert.Contains($"RUN sh deploy/images/publish.sh {image.Project} /out", stages[$"publish-{image.Name}"].Body, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains("ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]", body, StringComparison.Ordinal);
                Assert.Contains($"COPY deploy/images/entrypoints/{image.Name}.sh /usr/local/bin/entrypoint.sh", body, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task The_base_script_makes_the_user_the_manifests_run_as_and_leaves_no_package_caches()
    {
        var rootfs = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "images", "rootfs.sh"), TestContext.Current.CancellationToken);
        var (images, _, _, _, _) = await ReadScriptAsync();

        Assert.Contains("useradd --system --uid \"$uid\" --gid \"$uid\" --home-dir \"$home\"", rootfs, StringComparison.Ordinal);
        Assert.Contains("rm -rf /var/lib/apt/lists/*", rootfs, StringComparison.Ordinal);
        Assert.Contains("\"$here/$base.packages\"", rootfs, StringComparison.Ordinal);
        Assert.Equal([1654], images.Where(i => i.Project.Length > 0).Select(i => i.Uid).Distinct());
        Assert.Equal([999], images.Where(i => i.Project.Length == 0).Select(i => i.Uid).Distinct());
    }

    [Fact]
    public async Task Only_the_media_images_carry_ffmpeg_espeak_and_fonts()
    {
        var (images, _, _, _, _) = await ReadScriptAsync();
        var packages = (string @base) => File.ReadAllLines(Path.Combine(Repository.Root, "deploy", "images", $"{@base}.packages"))
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')).ToHashSet();

        Assert.Equal(["compose", "dispatch", "render"], images.Where(i => i.Base == "media").Select(i => i.Name).Order());
        Assert.Superset(new HashSet<string> { "ffmpeg", "espeak-ng", "fonts-dejavu-core" }, packages("media"));
        Assert.DoesNotContain("ffmpeg", packages("runtime"));
        Assert.DoesNotContain("espeak-ng", packages("runtime"));
    }

    [Fact]
    public async Task The_Dockerfile_builds_with_a_Docker_engine()
    {
        // Where Docker exists (not on this project's CI machines, which have none) the Dockerfile is built for real.
        var docker = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "docker")).FirstOrDefault(File.Exists);
        if (docker is null || (await Tools.RunAsync(docker, ["info"])).ExitCode != 0) Assert.Skip("No Docker engine here; scripts/images.sh is exercised instead (PodmanSmokeTests).");
        var result = await Tools.RunAsync(docker!, ["build", "-f", "deploy/images/Dockerfile", "--target", "gateway", "-t", "ministudio/gateway:dockerfile-test", "."],
            timeout: TimeSpan.FromMinutes(20));
        Assert.True(result.ExitCode == 0, result.Describe("docker build --target gateway"));
    }

    private static async Task<(List<ScriptImage> Images, string Suite, string[] AppEnv, string[] InfraEnv, string DotnetMajor)> ReadScriptAsync()
    {
        var script = Path.Combine(Repository.Root, "scripts", "images.sh");
        var result = await Tools.RunAsync("bash", ["-c", """
            source "$1"
            for n in "${all[@]}"; do echo "image|$n|${base_of[$n]}|${project_of[$n]:-}|$(healthcheck_of "$n")|$(users_of "${base_of[$n]}")"; done
            echo "suite|$suite"; echo "app_env|${app_env[*]}"; echo "infra_env|${infra_env[*]}"; echo "dotnet_major|$dotnet_major"
            """, "images-recipe", script]);
        Assert.True(result.ExitCode == 0, result.Describe("source scripts/images.sh"));
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).ToList();
        var images = lines.Where(l => l[0] == "image").Select(l =>
        {
            var user = l[5].Split(':');
            return new ScriptImage(l[1], l[2], l[3], l[4], user[0], int.Parse(user[1], System.Globalization.CultureInfo.InvariantCulture), user[2]);
        }).ToList();
        string Value(string key) => lines.Single(l => l[0] == key)[1];
        Assert.Matches("^[0-9]+$", Value("dotnet_major"));
        return (images, Value("suite"), Value("app_env").Split(' '), Value("infra_env").Split(' '), Value("dotnet_major"));
    }

    private sealed record Stage(string From, string Body);

    /// <summary>Stages by name: "FROM x AS name" and the lines up to the next FROM (line continuations joined).</summary>
    private static Dictionary<string, Stage> Stages(string dockerfile)
    {
        var joined = dockerfile.Replace("\\\n", " ", StringComparison.Ordinal);
        var stages = new Dictionary<string, Stage>();
        foreach (Match m in StageRegex().Matches(joined)) stages[m.Groups[2].Value] = new Stage(m.Groups[1].Value, m.Groups[3].Value);
        return stages;
    }

    /// <summary>The bodies of a stage and of every stage it is built on, base first.</summary>
    private static string Inherited(Dictionary<string, Stage> stages, string name) =>
        stages.TryGetValue(name, out var stage) ? Inherited(stages, stage.From) + stage.Body : "";

    /// <summary>The KEY=VALUE pairs of the stage's ENV lines.</summary>
    private static IEnumerable<string> EnvOf(string body) =>
        body.Split('\n').Where(l => l.StartsWith("ENV ", StringComparison.Ordinal))
            .SelectMany(l => l[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"^FROM (\S+) AS (\S+)\n(.*?)(?=^FROM |\z)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex StageRegex();
}
