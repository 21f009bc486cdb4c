using BlazorMood.Music.Curation;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;

namespace BlazorMood.Web.Components.Pages.Admin.Library;

/// <summary>
/// Uploads audio files into a playlist through the curator: the browser file is streamed (never held whole in memory)
/// into the library's staging folder, probed, tagged and committed. Files go one after another; each shows its own
/// progress and outcome, and a failure leaves nothing behind.
/// </summary>
public sealed partial class TrackUpload : ComponentBase, IDisposable
{
    /// <summary>Most files one pick may hold.</summary>
    public const int MaxFilesPerPick = 50;

    private readonly CancellationTokenSource _lifetime = new();
    private readonly List<UploadState> _uploads = [];
    private int _active;

    [Parameter]
    [EditorRequired]
    public string Playlist { get; set; } = "";

    /// <summary>Raised after each file that became a track.</summary>
    [Parameter]
    public EventCallback<UploadedTrack> Uploaded { get; set; }

    [Inject]
    private ILibraryCurator Curator { get; set; } = default!;

    [Inject]
    private IOptions<CurationOptions> Options { get; set; } = default!;

    private static string Accept => string.Join(',', AudioProbe.AcceptedExtensions) + ",audio/*";

    internal sealed class UploadState(string fileName, long size)
    {
        public string FileName { get; } = fileName;

        public long Size { get; } = size;

        public long Received { get; set; }

        public string State { get; set; } = "uploading";

        public string? Message { get; set; }

        public double Fraction => Size > 0 ? Math.Clamp((double)Received / Size, 0, 1) : 0;
    }

    private async Task UploadAsync(InputFileChangeEventArgs e)
    {
        var playlist = Playlist;
        IReadOnlyList<IBrowserFile> files;
        try
        {
            files = e.GetMultipleFiles(MaxFilesPerPick);
        }
        catch (InvalidOperationException)
        {
            _uploads.Add(new UploadState("(selection)", 0) { State = "failed", Message = $"At most {MaxFilesPerPick} files at a time." });
            return;
        }
        var states = files.Select(f => new UploadState(f.Name, f.Size)).ToList();
        _uploads.AddRange(states);
        _active += states.Count;
        for (var i = 0; i < files.Count; i++)
        {
            await UploadOneAsync(playlist, files[i], states[i]);
            _active--;
        }
    }

    private async Task UploadOneAsync(string playlist, IBrowserFile file, UploadState state)
    {
        var limit = Options.Value.MaxUploadBytes;
        if (file.Size > limit)
        {
            state.State = "failed";
            state.Message = $"Larger than the limit of {limit / (1024 * 1024)} MB.";
            return;
        }
        var lastShown = 0.0;
        var progress = new InlineProgress(received =>
        {
            state.Received = received;
            if (received >= state.Size)
            {
                state.State = "checking";
            }
            // Re-render in 2 % steps: enough to see it move without a render per 80 KB chunk.
            if (state.Fraction - lastShown >= 0.02 || state.State == "checking")
            {
                lastShown = state.Fraction;
                _ = InvokeAsync(StateHasChanged);
            }
        });
        try
        {
            await using var stream = file.OpenReadStream(limit, _lifetime.Token);
            var uploaded = await Curator.UploadTrackAsync(playlist, stream, file.Name, progress, _lifetime.Token);
            state.State = "done";
            state.Message = uploaded.Title;
            await Uploaded.InvokeAsync(uploaded);
        }
        catch (CurationException ex)
        {
            state.State = "failed";
            state.Message = ex.Message;
        }
        catch (IOException ex)
        {
            // The browser stopped sending (tab closed, file changed on disk); nothing was kept.
            state.State = "failed";
            state.Message = "The upload was interrupted: " + ex.Message;
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            state.State = "failed";
            state.Message = "Cancelled.";
        }
        StateHasChanged();
    }

    public void Dispose()
    {
        // Leaving the page cancels uploads in progress; the curator removes what they staged.
        _lifetime.Cancel();
        _lifetime.Dispose();
    }

    private sealed class InlineProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
