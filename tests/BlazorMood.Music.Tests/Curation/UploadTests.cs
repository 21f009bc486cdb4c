using System.Text.Json.Nodes;
using BlazorMood.Music.Curation;

namespace BlazorMood.Music.Tests.Curation;

/// <summary>Uploads validated by ffprobe (content, not name), tags read with TagLib#, and nothing half-written on failure.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "Ffmpeg")]
public sealed class UploadTests
{
    [Theory]
    [MemberData(nameof(GeneratedAudio.Formats), MemberType = typeof(GeneratedAudio))]
    public async Task Each_accepted_format_uploads_with_a_server_chosen_name_and_its_tags(string format, string codec, string extension)
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 1);
        var source = Path.Combine(lib.Root, "..", $"{Guid.NewGuid():N}.{format}");
        var tags = new Dictionary<string, string> { ["title"] = $"Tone in {format}", ["artist"] = "Sine Band", ["album"] = "Lavfi" };
        GeneratedAudio.Write(source, codec, 3, tags: tags);
        long lastProgress = 0;
        try
        {
            await using var upload = File.OpenRead(source);
            // The client's name says "text" and points elsewhere: it is display text only.
            var result = await lib.Curator.UploadTrackAsync("mix", upload, "../../evil/name.txt", new InlineProgress(b => lastProgress = b), CancellationToken.None);

            Assert.Equal(extension, Path.GetExtension(result.FileName));
            Assert.Matches($@"^tone-in-{format}-[0-9a-f]{{8}}\{extension}$", result.FileName);
            Assert.Equal($"Tone in {format}", result.Title);
            Assert.Equal("Sine Band", result.Artist);
            // ffmpeg stores a WAV album as RIFF INFO IPRD, which TagLib# does not read as the album; the others round-trip.
            Assert.Equal(format == "wav" ? null : "Lavfi", result.Album);
            Assert.InRange(result.DurationSeconds, 2.9, 3.2);
            Assert.Equal(new FileInfo(source).Length, lastProgress);
            var track = lib.Library.Current.FindTrack(result.TrackId)!;
            Assert.Equal("mix", track.Playlist);
            Assert.Equal($"Tone in {format}", track.Title);
            Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(track.FullPath));
            var entry = JsonNode.Parse(File.ReadAllText(lib.MetadataPath("mix")))!.AsArray()[1]!;
            Assert.Equal(result.FileName, entry["filepath"]!.GetValue<string>());
            Assert.Equal("name.txt", entry["originalFileName"]!.GetValue<string>());
            Assert.Empty(lib.Incoming());
        }
        finally
        {
            File.Delete(source);
        }
    }

    [Fact]
    public async Task A_bpm_tag_prefills_the_tempo_and_a_missing_title_falls_back_to_the_file_name()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 1);
        var source = Path.Combine(lib.Root, "..", $"{Guid.NewGuid():N}.mp3");
        GeneratedAudio.Write(source, "libmp3lame", 2, tags: new Dictionary<string, string> { ["TBPM"] = "128" });
        try
        {
            await using var upload = File.OpenRead(source);
            var result = await lib.Curator.UploadTrackAsync("mix", upload, @"C:\music\My_Song.mp3", null, CancellationToken.None);

            Assert.Equal(128, result.TagBpm);
            Assert.Equal("My Song", result.Title);
            Assert.Equal("Unknown artist", result.Artist);
            Assert.Equal(128, lib.Library.Current.FindTrack(result.TrackId)!.Features.Bpm);
        }
        finally
        {
            File.Delete(source);
        }
    }

    [Theory]
    [InlineData("song.mp3")]
    [InlineData("song.wav")]
    [InlineData("song.flac")]
    public async Task Garbage_bytes_are_refused_with_a_clear_error_and_nothing_is_written(string clientName)
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 1);
        var before = lib.LibraryFiles();
        var garbage = new byte[50_000];
        new Random(42).NextBytes(garbage);

        var ex = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.UploadTrackAsync("mix", new MemoryStream(garbage), clientName, null, CancellationToken.None));

        Assert.Equal(CurationError.UnsupportedMedia, ex.Error);
        Assert.StartsWith("Not an accepted audio file", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".upload", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, lib.LibraryFiles());
        Assert.Empty(lib.Incoming());
    }

    [Fact]
    public async Task A_playlist_posing_as_audio_is_refused_alike_whether_or_not_the_file_it_names_exists()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 1);
        var before = lib.LibraryFiles();
        // A real track on the server's disk: an HLS playlist naming it would make ffprobe read it without the whitelist.
        var serverFile = Path.Combine(lib.Root, "..", $"{Guid.NewGuid():N}.wav");
        GeneratedAudio.Run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "sine=duration=2", serverFile]);
        try
        {
            static byte[] Playlist(string target) => System.Text.Encoding.ASCII.GetBytes(
                $"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n{target}\n#EXT-X-ENDLIST\n");
            var existing = await Assert.ThrowsAsync<CurationException>(() =>
                lib.Curator.UploadTrackAsync("mix", new MemoryStream(Playlist(Path.GetFullPath(serverFile))), "song.mp3", null, CancellationToken.None));
            var missing = await Assert.ThrowsAsync<CurationException>(() =>
                lib.Curator.UploadTrackAsync("mix", new MemoryStream(Playlist("/nonexistent/" + Guid.NewGuid().ToString("N") + ".wav")), "song.mp3", null, CancellationToken.None));

            Assert.Equal(CurationError.UnsupportedMedia, existing.Error);
            Assert.Equal(existing.Error, missing.Error);
            Assert.Equal(existing.Message, missing.Message);
            Assert.Equal(before, lib.LibraryFiles());
            Assert.Empty(lib.Incoming());
        }
        finally
        {
            File.Delete(serverFile);
        }
    }

    [Fact]
    public async Task Text_a_video_and_an_empty_file_are_refused()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 1);
        var before = lib.LibraryFiles();
        var video = Path.Combine(lib.Root, "..", $"{Guid.NewGuid():N}.mp4");
        GeneratedAudio.Run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=1:size=64x64:rate=10", "-f", "lavfi", "-i", "sine=duration=1", "-c:v", "mpeg4", "-c:a", "aac", "-shortest", video]);
        try
        {
            await using var videoStream = File.OpenRead(video);
            var v = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.UploadTrackAsync("mix", videoStream, "clip.m4a", null, CancellationToken.None));
            var t = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.UploadTrackAsync("mix", new MemoryStream("just some text\n"u8.ToArray()), "a.mp3", null, CancellationToken.None));
            var e = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.UploadTrackAsync("mix", new MemoryStream(), "a.mp3", null, CancellationToken.None));

            Assert.Contains("video", v.Message, StringComparison.Ordinal);
            Assert.All([v, t, e], x => Assert.Equal(CurationError.UnsupportedMedia, x.Error));
            Assert.Equal(before, lib.LibraryFiles());
            Assert.Empty(lib.Incoming());
        }
        finally
        {
            File.Delete(video);
        }
    }

    [Fact]
    public async Task Size_and_duration_caps_stop_the_upload_and_leave_nothing()
    {
        using var lib = new CurationHarness(o => { o.MaxUploadBytes = 100_000; o.MaxTrackDuration = TimeSpan.FromSeconds(5); });
        lib.AddPlaylist("mix", 1);
        var before = lib.LibraryFiles();
        var big = Path.Combine(lib.Root, "..", $"{Guid.NewGuid():N}.wav");
        var longOne = Path.Combine(lib.Root, "..", $"{Guid.NewGuid():N}.opus");
        GeneratedAudio.Write(big, "pcm_s16le", 3);
        GeneratedAudio.Write(longOne, "libopus", 8);
        try
        {
            await using (var s = File.OpenRead(big))
            {
                var tooBig = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.UploadTrackAsync("mix", s, "big.wav", null, CancellationToken.None));
                Assert.Equal(CurationError.TooLarge, tooBig.Error);
            }
            await using (var s = File.OpenRead(longOne))
            {
                var tooLong = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.UploadTrackAsync("mix", s, "long.opus", null, CancellationToken.None));
                Assert.Equal(CurationError.TooLarge, tooLong.Error);
                Assert.Contains("0:00:08", tooLong.Message, StringComparison.Ordinal);
            }
            Assert.Equal(before, lib.LibraryFiles());
            Assert.Empty(lib.Incoming());
        }
        finally
        {
            File.Delete(big);
            File.Delete(longOne);
        }
    }

    [Fact]
    public async Task A_connection_lost_or_cancelled_mid_upload_leaves_nothing()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 1);
        var before = lib.LibraryFiles();
        var source = Path.Combine(lib.Root, "..", $"{Guid.NewGuid():N}.wav");
        GeneratedAudio.Write(source, "pcm_s16le", 3);
        try
        {
            var bytes = File.ReadAllBytes(source);
            await Assert.ThrowsAsync<IOException>(() => lib.Curator.UploadTrackAsync("mix", new FailingStream(bytes, bytes.Length / 2), "a.wav", null, CancellationToken.None));
            Assert.Equal(before, lib.LibraryFiles());
            Assert.Empty(lib.Incoming());

            using var cts = new CancellationTokenSource();
            var progress = new InlineProgress(b =>
            {
                if (b > 100_000)
                {
                    cts.Cancel();
                }
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => lib.Curator.UploadTrackAsync("mix", new MemoryStream(bytes), "a.wav", progress, cts.Token));
            Assert.Equal(before, lib.LibraryFiles());
            Assert.Empty(lib.Incoming());
        }
        finally
        {
            File.Delete(source);
        }
    }

    [Fact]
    public async Task Replacing_a_file_keeps_the_old_one_until_the_new_one_is_valid()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 2);
        var track = lib.Track("mix", 0);
        var before = lib.LibraryFiles();
        var garbage = new byte[20_000];
        new Random(1).NextBytes(garbage);

        var bad = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.ReplaceTrackFileAsync(track.Id, new MemoryStream(garbage), "new.opus", null, CancellationToken.None));
        Assert.Equal(CurationError.UnsupportedMedia, bad.Error);
        Assert.Equal(before, lib.LibraryFiles());

        // Same format: renamed over the old file, same id; the measurement of the old audio is dropped.
        var sameFormat = Path.Combine(lib.Root, "..", $"{Guid.NewGuid():N}.opus");
        var otherFormat = Path.Combine(lib.Root, "..", $"{Guid.NewGuid():N}.flac");
        GeneratedAudio.Write(sameFormat, "libopus", 4, 880);
        GeneratedAudio.Write(otherFormat, "flac", 3, 660);
        try
        {
            await using (var s = File.OpenRead(sameFormat))
            {
                var replaced = await lib.Curator.ReplaceTrackFileAsync(track.Id, s, "better.opus", null, CancellationToken.None);
                Assert.Equal(track.Id, replaced.TrackId);
            }
            Assert.Equal(File.ReadAllBytes(sameFormat), File.ReadAllBytes(track.FullPath));
            Assert.InRange(lib.Library.Current.FindTrack(track.Id)!.DurationSeconds, 3.9, 4.1);
            Assert.Null(lib.Library.Current.FindTrack(track.Id)!.Features.Bpm);

            await lib.Curator.SetBannedAsync(track.Id, true, CancellationToken.None);
            await using (var s = File.OpenRead(otherFormat))
            {
                var replaced = await lib.Curator.ReplaceTrackFileAsync(track.Id, s, "lossless.flac", null, CancellationToken.None);
                Assert.EndsWith(".flac", replaced.FileName, StringComparison.Ordinal);
                Assert.NotEqual(track.Id, replaced.TrackId);
                var now = lib.Library.Current.FindTrack(replaced.TrackId)!;
                Assert.Equal("mix 1", now.Title);
                Assert.True(lib.Store.Current.IsBanned(now.Id), "the ban follows the new file");
            }
            Assert.False(File.Exists(track.FullPath));
            Assert.Single(Directory.GetFiles(Path.Combine(lib.Root, ".blazormood", "trash"), "*mix-01.opus"));
            Assert.Equal(2, lib.Library.Current.FindPlaylist("mix")!.Tracks.Count);
        }
        finally
        {
            File.Delete(sameFormat);
            File.Delete(otherFormat);
        }
    }

    [Fact]
    public async Task Uploading_to_a_missing_playlist_reads_no_bytes()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 1);
        var stream = new FailingStream([1, 2, 3], 0);

        var ex = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.UploadTrackAsync("nope", stream, "a.mp3", null, CancellationToken.None));

        Assert.Equal(CurationError.NotFound, ex.Error);
    }
}

internal sealed class InlineProgress(Action<long> report) : IProgress<long>
{
    public void Report(long value) => report(value);
}
