using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorMood.Data;
using BlazorMood.Data.Music;
using BlazorMood.Music.Library;
using BlazorMood.Music.Recommendation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorMood.Web.Tests.Recommendations;

/// <summary>The host wires music persistence: the starter library lands in its database and API feedback is stored.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class MusicPersistenceWiringTests(BlazorMoodWebFactory factory) : IClassFixture<BlazorMoodWebFactory>
{
    [Fact]
    public async Task The_host_imports_the_library_and_stores_feedback_posted_to_the_api()
    {
        var account = await factory.CreateAccountAsync(name: "persist");
        using var client = factory.CreateClientFor(account);
        Assert.IsType<PersistentFeedbackStore>(factory.Services.GetRequiredService<IFeedbackStore>());
        Assert.IsType<StoredFeaturesLibrary>(factory.Services.GetRequiredService<IMusicLibrary>());

        var rec = JsonDocument.Parse(await client.GetStringAsync("/api/recommend?emotion=happy")).RootElement;
        var id = rec.GetProperty("tracks")[0].GetProperty("id").GetString()!;
        var response = await client.PostAsJsonAsync("/api/feedback", new { trackId = id, kind = "like" });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        var contexts = factory.Services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync();
            var tracks = await db.Tracks.CountAsync(t => !t.Removed);
            var feedback = await db.TrackFeedback.Where(f => f.UserId == account.Id).ToListAsync();
            if (tracks == 70 && feedback.Count == 1)
            {
                Assert.Equal(id, feedback[0].TrackId);
                Assert.Equal("emotion:happy", feedback[0].ContextKey);
                Assert.Equal("like", feedback[0].Kind);
                Assert.True(await db.Tracks.AnyAsync(t => t.Id == id && t.PlaylistName == "emotion_happy"));
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{tracks} tracks, {feedback.Count} feedback rows");
            await Task.Delay(50);
        }
    }
}
