using BlazorMood.Web.Live;
using BlazorMood.Web.Recommendations;
using Microsoft.AspNetCore.Http;

namespace BlazorMood.Web.Tests.Recommendations;

public sealed class RecommendationUserTests
{
    [Fact]
    public void The_listener_is_the_live_session_cookie()
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.Cookie = $"{LiveSession.CookieName}=abc123";

        Assert.Equal("abc123", RecommendationUser.ForRequest(http));
    }

    [Fact]
    public void On_a_first_visit_it_is_the_cookie_just_issued_on_the_response()
    {
        var http = new DefaultHttpContext();
        http.Response.Cookies.Append("other", "x");
        http.Response.Cookies.Append(LiveSession.CookieName, "fresh-id", new CookieOptions { HttpOnly = true });

        Assert.Equal("fresh-id", RecommendationUser.SessionOf(http));
    }

    [Fact]
    public void Without_a_valid_session_callers_share_the_anonymous_listener()
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.Cookie = $"{LiveSession.CookieName}=not valid!";

        Assert.Null(RecommendationUser.SessionOf(http));
        Assert.Null(RecommendationUser.SessionOf(null));
        Assert.Equal(RecommendationUser.Anonymous, RecommendationUser.ForRequest(http));
    }

    [Theory]
    [InlineData("dd47da5f3339a056", true)]
    [InlineData("", false)]
    [InlineData("../x", false)]
    [InlineData("a/b", false)]
    [InlineData("a.opus", false)]
    public void Track_ids_are_short_url_safe_tokens(string id, bool valid) => Assert.Equal(valid, RecommendationUser.IsTrackId(id));
}
