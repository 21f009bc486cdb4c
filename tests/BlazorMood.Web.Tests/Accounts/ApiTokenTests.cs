using System.Net;
using System.Net.Http.Headers;
using BlazorMood.Data;
using BlazorMood.Web.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorMood.Web.Tests.Accounts;

/// <summary>Per-user API tokens: created (shown once, stored hashed), used as a Bearer token, revoked.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class ApiTokenTests(BlazorMoodWebFactory factory) : IClassFixture<BlazorMoodWebFactory>
{
    private IApiTokens Tokens => factory.Services.GetRequiredService<IApiTokens>();

    private HttpClient Bearer(string token)
    {
        var client = factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task Create_use_as_bearer_then_revoke_gives_401()
    {
        var account = await factory.CreateAccountAsync(name: "tokens");
        var created = await Tokens.CreateAsync(account.Id, "  nightly export  ", null, CancellationToken.None);
        using var script = Bearer(created.Token);

        var before = await script.GetAsync("/api/recommend");
        var listed = await Tokens.ListAsync(account.Id, CancellationToken.None);
        var revoked = await Tokens.RevokeAsync(account.Id, created.Info.Id, CancellationToken.None);
        var after = await script.GetAsync("/api/recommend");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.StartsWith(ApiTokenService.TokenPrefix, created.Token, StringComparison.Ordinal);
        Assert.Equal("nightly export", created.Info.Name);
        Assert.Equal(created.Token[..8], created.Info.Prefix);
        Assert.Contains(listed, t => t.Id == created.Info.Id && t.LastUsedAt is not null);
        Assert.True(revoked);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("application/problem+json", after.Content.Headers.ContentType?.MediaType);
        Assert.Contains("invalid_token", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await Tokens.ListAsync(account.Id, CancellationToken.None), t => t.Id == created.Info.Id);
    }

    [Fact]
    public async Task Only_the_hash_is_stored()
    {
        var account = await factory.CreateAccountAsync(name: "hash");
        var created = await Tokens.CreateAsync(account.Id, "hash check", null, CancellationToken.None);

        var contexts = factory.Services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var row = await db.ApiTokens.SingleAsync(t => t.Id == created.Info.Id);

        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(created.Token)), row.Hash);
        var bytes = await File.ReadAllBytesAsync(factory.DatabasePath);
        Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(created.Token)));
    }

    [Theory]
    [InlineData("bmt_")]
    [InlineData("bmt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not-a-token")]
    [InlineData("bmt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!!")]
    public async Task Unknown_or_malformed_tokens_get_401(string token)
    {
        using var script = Bearer(token);

        var response = await script.GetAsync("/api/recommend");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_expired_token_gets_401()
    {
        var account = await factory.CreateAccountAsync(name: "expiry");
        var created = await Tokens.CreateAsync(account.Id, "short-lived", TimeSpan.FromMilliseconds(50), CancellationToken.None);
        await Task.Delay(200);
        using var script = Bearer(created.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/recommend")).StatusCode);
    }

    [Fact]
    public async Task Deleting_the_account_revokes_its_tokens()
    {
        var account = await factory.CreateAccountAsync(name: "deleted");
        using var script = factory.CreateClientFor(account);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/recommend")).StatusCode);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            Assert.True((await users.DeleteAsync((await users.FindByIdAsync(account.Id))!)).Succeeded);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/recommend")).StatusCode);
        Assert.Empty(await Tokens.ListAsync(account.Id, CancellationToken.None));
    }

    [Fact]
    public async Task A_user_can_neither_see_nor_revoke_another_users_token()
    {
        var owner = await factory.CreateAccountAsync(name: "owner");
        var other = await factory.CreateAccountAsync(name: "other");
        var created = await Tokens.CreateAsync(owner.Id, "mine", null, CancellationToken.None);

        Assert.DoesNotContain(await Tokens.ListAsync(other.Id, CancellationToken.None), t => t.Id == created.Info.Id);
        Assert.False(await Tokens.RevokeAsync(other.Id, created.Info.Id, CancellationToken.None));
        using var script = Bearer(created.Token);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/recommend")).StatusCode);
    }

    [Fact]
    public async Task Names_and_the_per_user_cap_are_checked()
    {
        var account = await factory.CreateAccountAsync(name: "cap");
        var max = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AccountOptions>>().Value.MaxApiTokensPerUser;

        await Assert.ThrowsAsync<ApiTokenException>(() => Tokens.CreateAsync(account.Id, "   ", null, CancellationToken.None));
        await Assert.ThrowsAsync<ApiTokenException>(() => Tokens.CreateAsync(account.Id, new string('x', 65), null, CancellationToken.None));
        // TestAccounts made one already.
        for (var i = 1; i < max; i++)
        {
            await Tokens.CreateAsync(account.Id, $"token {i}", null, CancellationToken.None);
        }
        var refused = await Assert.ThrowsAsync<ApiTokenException>(() => Tokens.CreateAsync(account.Id, "one too many", null, CancellationToken.None));
        Assert.Contains("revoke one", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hubs_take_the_token_from_the_query_and_apis_do_not()
    {
        using var anonymous = factory.CreateAnonymousClient();

        var hub = await anonymous.PostAsync($"/hubs/emotion/negotiate?negotiateVersion=1&access_token={factory.User.Token}", null);
        var hubWithout = await anonymous.PostAsync("/hubs/emotion/negotiate?negotiateVersion=1", null);
        var api = await anonymous.GetAsync($"/api/recommend?access_token={factory.User.Token}");

        Assert.Equal(HttpStatusCode.OK, hub.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, hubWithout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task A_token_acts_as_its_owner()
    {
        var account = await factory.CreateAccountAsync(name: "owner-context");
        factory.Services.GetRequiredService<Music.Context.RecommendationContextReporter>()
            .ReportEmotion(account.Id, "sad", 0.9, DateTimeOffset.UtcNow);
        using var script = factory.CreateClientFor(account);

        var json = System.Text.Json.JsonDocument.Parse(await script.GetStringAsync("/api/recommend")).RootElement;

        Assert.Equal("emotion_sad", json.GetProperty("context").GetProperty("playlist").GetString());
    }
}
