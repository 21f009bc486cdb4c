using System.Text;
using BlazorMood.Music.Curation;

namespace BlazorMood.Music.Tests.Curation;

/// <summary>Atomic writes and path confinement: a failure never leaves a mix, and no path leaves the library root.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "Ffmpeg")]
public sealed class AtomicityAndConfinementTests
{
    [Fact]
    public async Task A_write_failing_half_way_leaves_the_old_file_intact_and_no_temp_file()
    {
        using var lib = new CurationHarness();
        var path = Path.Combine(lib.Root, "file.json");
        await File.WriteAllTextAsync(path, "old content");

        var ex = await Assert.ThrowsAsync<IOException>(() => AtomicFile.WriteAsync(path, async (s, ct) =>
        {
            await s.WriteAsync(Encoding.UTF8.GetBytes("new cont"), ct);
            await s.FlushAsync(ct);
            throw new IOException("disk full (simulated)");
        }, CancellationToken.None));

        Assert.Equal("disk full (simulated)", ex.Message);
        Assert.Equal("old content", await File.ReadAllTextAsync(path));
        Assert.Equal(["file.json"], Directory.GetFiles(lib.Root).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_cancelled_write_leaves_the_old_file_and_a_completed_one_replaces_it()
    {
        using var lib = new CurationHarness();
        var path = Path.Combine(lib.Root, "file.json");
        await File.WriteAllTextAsync(path, "old");
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AtomicFile.WriteAsync(path, async (s, ct) =>
        {
            await s.WriteAsync(Encoding.UTF8.GetBytes("partial"), ct);
            await cts.CancelAsync();
            ct.ThrowIfCancellationRequested();
        }, cts.Token));
        Assert.Equal("old", await File.ReadAllTextAsync(path));

        await AtomicFile.WriteAllBytesAsync(path, Encoding.UTF8.GetBytes("new"), CancellationToken.None);
        Assert.Equal("new", await File.ReadAllTextAsync(path));
        Assert.Single(Directory.GetFiles(lib.Root));
    }

    [Fact]
    public async Task A_failed_metadata_write_after_an_upload_takes_the_audio_back_out()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 1);
        var outside = Directory.CreateTempSubdirectory("bm-outside-");
        try
        {
            // metadata.json replaced by a link out of the library: curation refuses to write through it.
            var target = Path.Combine(outside.FullName, "metadata.json");
            File.Move(lib.MetadataPath("mix"), target);
            File.CreateSymbolicLink(lib.MetadataPath("mix"), target);
            var before = lib.LibraryFiles();
            var audio = Path.Combine(outside.FullName, "tone.wav");
            GeneratedAudio.Write(audio, "pcm_s16le", 1);

            await using var upload = File.OpenRead(audio);
            var ex = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.UploadTrackAsync("mix", upload, "tone.wav", null, CancellationToken.None));

            Assert.Contains("link", ex.Message, StringComparison.Ordinal);
            Assert.Equal(before, lib.LibraryFiles());
            Assert.Empty(lib.Incoming());
            Assert.Equal("[", (await File.ReadAllTextAsync(target)).TrimStart()[..1]);
        }
        finally
        {
            outside.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/etc")]
    [InlineData("a/b")]
    [InlineData(".blazormood")]
    [InlineData("..")]
    [InlineData("Upper")]
    [InlineData("")]
    [InlineData("name with space")]
    public async Task Playlist_names_that_are_not_plain_folder_names_are_rejected(string name)
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 1);
        var before = lib.LibraryFiles();

        var create = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.CreatePlaylistAsync(name, null, null, CancellationToken.None));
        var rename = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.RenamePlaylistAsync("mix", name, CancellationToken.None));
        var import = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.ImportMetadataAsync(name, new MemoryStream("[]"u8.ToArray()), false, CancellationToken.None));

        Assert.All([create, rename, import], e => Assert.Equal(CurationError.Invalid, e.Error));
        Assert.Equal(before, lib.LibraryFiles());
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(lib.Root)!, "x")));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/etc/passwd")]
    [InlineData("mix/../../x")]
    [InlineData("mix/./a")]
    [InlineData("")]
    public void Library_relative_paths_that_leave_the_root_are_rejected(string relative)
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 1);
        var ex = Assert.Throws<CurationException>(() => lib.Curator.Paths.Confine(relative));
        Assert.Equal(CurationError.Invalid, ex.Error);
    }

    [Fact]
    public async Task A_playlist_folder_that_is_a_link_out_of_the_library_is_never_written_through()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 1);
        var outside = Directory.CreateTempSubdirectory("bm-outside-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(outside.FullName, "metadata.json"), "[]");
            Directory.CreateSymbolicLink(Path.Combine(lib.Root, "escape"), outside.FullName);
            var audio = Path.Combine(lib.Root, "..", Path.GetFileName(lib.Root) + "-tone.wav");
            GeneratedAudio.Write(audio, "pcm_s16le", 1);
            try
            {
                await using var upload = File.OpenRead(audio);
                var uploadError = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.UploadTrackAsync("escape", upload, "a.wav", null, CancellationToken.None));
                var importError = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.ImportMetadataAsync("escape", new MemoryStream("[]"u8.ToArray()), false, CancellationToken.None));
                var pinError = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.PinAsync("escape", CancellationToken.None));
                var deleteError = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.DeletePlaylistAsync("escape", new PlaylistDeletion(TrackDisposal.Delete), CancellationToken.None));
                var exportError = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.ExportMetadataAsync("escape", false, CancellationToken.None));

                Assert.All([uploadError, importError, pinError, deleteError, exportError], e => Assert.Contains("symbolic link", e.Message, StringComparison.Ordinal));
                Assert.Equal(["metadata.json"], Directory.GetFiles(outside.FullName).Select(Path.GetFileName));
                Assert.Equal("[]", await File.ReadAllTextAsync(Path.Combine(outside.FullName, "metadata.json")));
                Assert.True(Directory.Exists(Path.Combine(lib.Root, "escape")));
            }
            finally
            {
                File.Delete(audio);
            }
        }
        finally
        {
            outside.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_track_linking_out_of_the_library_is_not_addressable_and_not_importable()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 1);
        var outside = Directory.CreateTempSubdirectory("bm-outside-");
        try
        {
            var secret = Path.Combine(outside.FullName, "secret.opus");
            File.Copy(lib.Track("mix", 0).FullPath, secret);
            File.CreateSymbolicLink(Path.Combine(lib.PlaylistDir("mix"), "evil.opus"), secret);
            var metadata = """[{"title":"Evil","artist":"x","duration":2,"filepath":"evil.opus"},{"title":"Up","artist":"x","duration":2,"filepath":"../../secret.opus"}]""";

            var ex = await Assert.ThrowsAsync<CurationException>(() =>
                lib.Curator.ImportMetadataAsync("mix", new MemoryStream(Encoding.UTF8.GetBytes(metadata)), false, CancellationToken.None));

            Assert.Equal(CurationError.InvalidEntries, ex.Error);
            Assert.Equal(2, ex.Problems.Count);
            Assert.All(ex.Problems, p => Assert.Contains("is not inside the playlist folder", p, StringComparison.Ordinal));
            // The loader does not list a link out of the library either, so no curation call can reach it by id.
            await File.WriteAllTextAsync(lib.MetadataPath("mix"), metadata);
            var snapshot = await lib.Library.ReloadAsync();
            Assert.Empty(snapshot.FindPlaylist("mix")!.Tracks);
            Assert.Equal(2, snapshot.Problems.Count(p => p.Kind == BlazorMood.Music.Library.LibraryProblemKind.PathOutsideLibrary));
        }
        finally
        {
            outside.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Track_ids_that_are_not_in_the_library_are_not_found()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 1);

        var ex = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.SetBannedAsync("../../etc/passwd", true, CancellationToken.None));

        Assert.Equal(CurationError.NotFound, ex.Error);
        Assert.Empty(lib.Store.Current.BannedPaths);
    }
}
