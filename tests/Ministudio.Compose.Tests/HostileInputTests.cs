using System.Diagnostics;
using System.Text.RegularExpressions;
using Ministudio.Compose.Rendering;
using Ministudio.Contracts;
using Ministudio.TestSupport;
using static Ministudio.Compose.Tests.Studio;
using Ministudio.Compose.MediaTools;

namespace Ministudio.Compose.Tests;

/// <summary>Names, text and concat lists written to make ffmpeg read outside the job folder must not.</summary>
public sealed partial class HostileInputTests : IDisposable
{
    private readonly Studio _studio = new();

    public void Dispose() => _studio.Dispose();

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("file:/etc/passwd")]
    [InlineData("concat:/etc/passwd|/etc/hosts")]
    [InlineData("subfile,,start,0,end,0,,:/etc/passwd")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Asset_names_that_are_not_hashes_are_refused_before_anything_runs(string asset)
    {
        var error = await Assert.ThrowsAsync<CompositionException>(() => _studio.RenderAsync(OneTrack(Draft(), Video(asset, 0, 1))));
        Assert.Equal("timeline.invalid_asset", error.Code);
    }

    [Fact]
    public async Task Hostile_text_is_drawn_as_text_and_ffmpeg_opens_nothing_outside_the_job_folder()
    {
        var secret = Path.Combine(_studio.Fixtures, "secret's: file.ass");
        await File.WriteAllTextAsync(secret, "[Script Info]\n", TestContext.Current.CancellationToken);
        var hostile = $"It's 100%: %{{pts}} {{\\pos(1,1)}} '; [out] ,subtitles={secret}:fontsdir=/etc\\:x drawtext=textfile=/etc/passwd";
        var clip = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "blue", 2));
        var timeline = new Timeline(Draft(),
        [
            new TimelineTrack([Video(clip, 0)]),
            new TimelineTrack([new TimelineClip(TimelineVocabulary.Title, 0, 2, Text: hostile, FontSize: 20)]),
            new TimelineTrack([new TimelineClip(TimelineVocabulary.Caption, 0, 2, Text: hostile)]),
        ], Captions: new CaptionStyle(Burn: true, FontSize: 20));

        var film = await _studio.RenderAsync(timeline);
        var folder = Path.GetDirectoryName(film.Path)!;

        // The text reaches ffmpeg only through files it reads as text, never on the command line.
        Assert.DoesNotContain(film.Arguments, argument => argument.Contains("secret", StringComparison.Ordinal) || argument.Contains("/etc", StringComparison.Ordinal));
        Assert.Equal(hostile, await File.ReadAllTextAsync(Path.Combine(folder, "title-000.txt"), TestContext.Current.CancellationToken));
        Assert.Contains(hostile.Replace("&", "&amp;").Replace("<", "&lt;"), await File.ReadAllTextAsync(film.VttPath!, TestContext.Current.CancellationToken));
        // Every input is a generated name, and only the file protocol is allowed for it.
        for (var i = 0; i < film.Arguments.Count; i++)
        {
            if (film.Arguments[i] != "-i") continue;
            Assert.Matches(SafeInputName(), film.Arguments[i + 1]);
            Assert.Equal(["-protocol_whitelist", "file"], film.Arguments.Skip(i - 2).Take(2));
        }

        // The same command again under strace: nothing outside the job folder and the store is opened, and the
        // files the text names are never touched.
        var opened = await OpenedFilesAsync([.. film.Arguments.SkipLast(1), "traced.mp4"], folder);
        Assert.NotEmpty(opened);
        // The clip is opened through its link in the folder (the kernel follows it into the store).
        Assert.Contains(Path.Combine(folder, "asset-000"), opened);
        Assert.Contains(Path.Combine(folder, "captions.ass"), opened);
        Assert.DoesNotContain(opened, path => path.Contains("secret", StringComparison.Ordinal) || path == "/etc/passwd");
        // Libraries, the loader, TLS/crypto and fontconfig's own configuration and caches: every ffmpeg reads them, no input names them.
        var system = new[] { "/usr/", "/lib", "/etc/ld.so", "/etc/fonts/", "/etc/localtime", "/etc/gcrypt/", "/etc/ssl/", "/proc/", "/sys/", "/dev/" };
        var outside = opened.Where(path => !path.StartsWith(folder + "/", StringComparison.Ordinal) && !path.StartsWith(_studio.Artifacts.Root + "/sha256/", StringComparison.Ordinal)
            && !system.Any(prefix => path.StartsWith(prefix, StringComparison.Ordinal)) && !path.Contains("fontconfig", StringComparison.Ordinal)).ToList();
        Assert.True(outside.Count == 0, $"ffmpeg opened {string.Join(", ", outside)}");
    }

    [Theory]
    [InlineData("ffconcat version 1.0\nfile ../fixtures/outside.mp4\n")]
    [InlineData("ffconcat version 1.0\nfile {absolute}\n")]
    [InlineData("ffconcat version 1.0\nfile 'file:{absolute}'\n")]
    [InlineData("ffconcat version 1.0\nfile 'file:../fixtures/outside.mp4'\n")]
    [InlineData("ffconcat version 1.0\nfile 'subfile,,start,0,end,0,,:{absolute}'\n")]
    [InlineData("ffconcat version 1.0\nfile 'concat:{absolute}|{absolute}'\n")]
    [InlineData("ffconcat version 1.0\nfile .hidden.mp4\n")]
    [InlineData("ffconcat version 1.0\nfile inner.txt\n")]
    public async Task Concat_lists_cannot_reach_outside_the_job_folder(string list)
    {
        var folder = _studio.Artifacts.CreateScratchFolder();
        var outside = await Clips.SolidAsync(_studio.Fixtures, "red", 1);
        File.Move(outside, Path.Combine(_studio.Fixtures, "outside.mp4"));
        var absolute = Path.Combine(_studio.Fixtures, "outside.mp4");
        File.Copy(absolute, Path.Combine(folder, ".hidden.mp4"));
        // A nested list that names the outside file: the inner list is read with the same safe rules.
        await File.WriteAllTextAsync(Path.Combine(folder, "inner.txt"), $"ffconcat version 1.0\nfile {absolute}\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "concat.txt"), list.Replace("{absolute}", absolute), TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<CompositionException>(() => Ffmpeg.RunAsync(
            [.. StreamCopy.ConcatInput, "-i", "concat.txt", "-c", "copy", "film.mp4"], folder, 1, null, TestContext.Current.CancellationToken));

        Assert.Equal("compose.ffmpeg_failed", error.Code);
        Assert.False(File.Exists(Path.Combine(folder, "film.mp4")) && new FileInfo(Path.Combine(folder, "film.mp4")).Length > 0);
    }

    [Fact]
    public async Task The_same_absolute_list_is_read_when_safe_mode_is_off_so_the_refusals_above_are_safe_modes_doing()
    {
        var folder = _studio.Artifacts.CreateScratchFolder();
        var outside = await Clips.SolidAsync(_studio.Fixtures, "red", 1);
        await File.WriteAllTextAsync(Path.Combine(folder, "concat.txt"), $"ffconcat version 1.0\nfile {outside}\n", TestContext.Current.CancellationToken);

        await Ffmpeg.RunAsync(["-f", "concat", "-safe", "0", "-i", "concat.txt", "-c", "copy", "film.mp4"], folder, 1, null, TestContext.Current.CancellationToken);

        Assert.Equal(1, (await Media.ProbeAsync(Path.Combine(folder, "film.mp4"))).DurationSeconds, 0.1);
    }

    /// <summary>Every path ffmpeg tried to open (successfully or not), made absolute against the job folder.</summary>
    private static async Task<IReadOnlyList<string>> OpenedFilesAsync(IReadOnlyList<string> arguments, string folder)
    {
        var trace = Path.Combine(folder, "strace.txt");
        var start = new ProcessStartInfo("strace") { WorkingDirectory = folder, RedirectStandardError = true };
        foreach (var argument in (string[])["-f", "-qq", "-e", "trace=open,openat,openat2,creat,execve", "-o", trace, "ffmpeg", "-v", "error", "-nostdin", "-y", .. arguments])
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, errors);
        return (await File.ReadAllLinesAsync(trace, TestContext.Current.CancellationToken))
            .Select(line => OpenedPath().Match(line))
            .Where(match => match.Success)
            .Select(match => Path.GetFullPath(Regex.Unescape(match.Groups[1].Value), folder))
            .Where(path => path != trace)
            .Distinct()
            .ToList();
    }

    [GeneratedRegex(@"(?:open|openat|openat2|creat)\((?:AT_FDCWD, |\d+, )?""((?:[^""\\]|\\.)*)""")]
    private static partial Regex OpenedPath();

    [GeneratedRegex(@"^(asset-\d{3}(\.[a-z]+)?|concat\.txt|mix\.wav|sound-\d{3}\.wav)$")]
    private static partial Regex SafeInputName();
}
