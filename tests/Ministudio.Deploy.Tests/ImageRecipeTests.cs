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
        var (images, suite, appEnv, infraEnv) = await ReadScriptAsync();
        var dockerfile = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "images", "Dockerfile"), TestContext.Current.CancellationToken);
        var stages = Stages(dockerfile);

        Assert.Equal(9, images.Count);
        Assert.Contains($"ARG DEBIAN_IMAGE=debian:{suite}-slim", dockerfile, StringComparison.Ordinal);
        foreach (var image in images)
        {
            Assert.True(stages.TryGetValue(image.Name, out var target), $"The Dockerfile has no target '{image.Name}'.");
            Assert.Equal($"base-{image.Base}", target.From);
            var baseStage = stages[$"base-{image.Base}"];
            // What the target inherits from its base stage counts as its own.
            var stage = target with { Body = baseStage.Body + target.Body };
            Assert.Contains($"COPY deploy/images/{image.Base}.packages ", baseStage.Body, StringComparison.Ordinal);
            Assert.Contains($"useradd --system --uid {image.Uid} --gid {image.Uid} --home-dir {image.Home} ", baseStage.Body, StringComparison.Ordinal);
            Assert.Contains("COPY deploy/images/healthcheck.sh /usr/local/bin/healthcheck", baseStage.Body, StringComparison.Ordinal);
            Assert.Contains("rm -rf /var/lib/apt/lists/*", baseStage.Body, StringComparison.Ordinal);

            Assert.Contains($"USER {image.Uid}:{image.Uid}", stage.Body, StringComparison.Ordinal);
            Assert.Single(stage.Body.Split('\n'), l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal)
                && l.EndsWith($"CMD [\"/usr/local/bin/healthcheck\", \"{image.HealthCheck}\"]", StringComparison.Ordinal));
            Assert.Equal((image.Project.Length > 0 ? appEnv : infraEnv).Order(), EnvOf(stage.Body).Order());
            foreach (var label in new[] { "title", "source", "revision", "version", "licenses" })
                Assert.Contains($"org.opencontainers.image.{label}=", stage.Body, StringComparison.Ordinal);
            if (image.Project.Length > 0)
            {
                Assert.Contains($"ENTRYPOINT [\"/app/{image.Project}\"]", stage.Body, StringComparison.Ordinal);
                Assert.Contains($"COPY --from=publish-{image.Name} /out /app", stage.Body, StringComparison.Ordinal);
                Assert.Contains($"dotnet publish services/{image.Project}/{image.Project}.csproj -c Release -r linux-x64 --self-contained true",
                    stages[$"publish-{image.Name}"].Body, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains("ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]", stage.Body, StringComparison.Ordinal);
                Assert.Contains($"COPY deploy/images/entrypoints/{image.Name}.sh /usr/local/bin/entrypoint.sh", stage.Body, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Only_the_media_images_carry_ffmpeg_espeak_and_fonts()
    {
        var (images, _, _, _) = await ReadScriptAsync();
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
        if (docker is null || (await Tools.RunAsync(docker, ["info"])).ExitCode != 0) Assert.Skip("No Docker engine here; scripts/images.sh is exercised instead (PodmanSmokeTests, with MINISTUDIO_IMAGES=1).");
        var result = await Tools.RunAsync(docker!, ["build", "-f", "deploy/images/Dockerfile", "--target", "gateway", "-t", "ministudio/gateway:dockerfile-test", "."],
            timeout: TimeSpan.FromMinutes(20));
        Assert.True(result.ExitCode == 0, result.Describe("docker build --target gateway"));
    }

    private static async Task<(List<ScriptImage> Images, string Suite, string[] AppEnv, string[] InfraEnv)> ReadScriptAsync()
    {
        var script = Path.Combine(Repository.Root, "scripts", "images.sh");
        var result = await Tools.RunAsync("bash", ["-c", """
            source "$1"
            for n in "${all[@]}"; do echo "image|$n|${base_of[$n]}|${project_of[$n]:-}|$(healthcheck_of "$n")|$(users_of "${base_of[$n]}")"; done
            echo "suite|$suite"; echo "app_env|${app_env[*]}"; echo "infra_env|${infra_env[*]}"
            """, "images-recipe", script]);
        Assert.True(result.ExitCode == 0, result.Describe("source scripts/images.sh"));
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).ToList();
        var images = lines.Where(l => l[0] == "image").Select(l =>
        {
            var user = l[5].Split(':');
            return new ScriptImage(l[1], l[2], l[3], l[4], user[0], int.Parse(user[1], System.Globalization.CultureInfo.InvariantCulture), user[2]);
        }).ToList();
        string Value(string key) => lines.Single(l => l[0] == key)[1];
        return (images, Value("suite"), Value("app_env").Split(' '), Value("infra_env").Split(' '));
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

    /// <summary>The KEY=VALUE pairs of the stage's ENV lines.</summary>
    private static IEnumerable<string> EnvOf(string body) =>
        body.Split('\n').Where(l => l.StartsWith("ENV ", StringComparison.Ordinal))
            .SelectMany(l => l[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"^FROM (\S+) AS (\S+)\n(.*?)(?=^FROM |\z)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex StageRegex();
}
