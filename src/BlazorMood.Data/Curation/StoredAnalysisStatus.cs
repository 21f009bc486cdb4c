using BlazorMood.Music.Curation;
using BlazorMood.Data.Music;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorMood.Data.Curation;

/// <summary>The stored outcome of each live track's last analysis (when it was measured, or why it failed), for the Admin page.</summary>
public sealed class StoredAnalysisStatus(IDbContextFactory<BlazorMoodDbContext> contexts, IOptions<MusicPersistenceOptions> options) : ITrackAnalysisStatus
{
    public bool AnalysesInBackground => options.Value.AnalyzeInBackground;

    public async Task<IReadOnlyDictionary<string, StoredAnalysis>> GetAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Tracks.AsNoTracking()
            .Where(t => !t.Removed)
            .Select(t => new StoredAnalysis(t.Id, t.AnalyzedAtUtc, t.AnalysisError))
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.TrackId, StringComparer.Ordinal);
    }
}
