using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorMood.TestSupport;

namespace BlazorMood.Web.Tests.Api;

[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class EmotionApiTests(BlazorMoodWebFactory factory) : IClassFixture<BlazorMoodWebFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static MultipartFormDataContent Form(byte[] bytes, string fileName, string contentType)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, "image", fileName } };
    }

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    [Fact]
    public async Task A_smiling_photo_answers_happy_with_the_documented_shape()
    {
        var png = await File.ReadAllBytesAsync(TestAssets.AstronautPng);

        var response = await _client.PostAsync("/api/emotion", Form(png, "astronaut.png", "image/png"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(512, json.GetProperty("imageWidth").GetInt32());
        Assert.Equal(512, json.GetProperty("imageHeight").GetInt32());
        Assert.True(json.GetProperty("elapsedMs").GetDouble() > 0);
        var face = Assert.Single(json.GetProperty("faces").EnumerateArray());
        Assert.Equal("happy", face.GetProperty("emotion").GetString());
        var box = face.GetProperty("box");
        Assert.InRange(box.GetProperty("width").GetSingle(), 40, 400);
        Assert.InRange(box.GetProperty("x").GetSingle(), 0, 512);
        var probabilities = face.GetProperty("probabilities");
        string[] labels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"];
        Assert.Equal(1.0, labels.Sum(l => probabilities.GetProperty(l).GetDouble()), 3);
        Assert.Equal("happy", labels.MaxBy(l => probabilities.GetProperty(l).GetDouble()));
    }

    [Fact]
    public async Task A_raw_image_body_is_accepted_too()
    {
        var jpeg = await File.ReadAllBytesAsync(TestAssets.FaceApiSample("sample5.jpg"));
        var content = new ByteArrayContent(jpeg);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");

        var response = await _client.PostAsync("/api/emotion", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(json.GetProperty("faces").GetArrayLength() >= 3, "the group photo shows five people");
    }

    [Fact]
    public async Task Garbage_bytes_get_400_problem_json()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);

        var response = await _client.PostAsync("/api/emotion", Form(garbage, "x.jpg", "image/jpeg"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ProblemOf(response);
    }

    [Fact]
    public async Task A_truncated_jpeg_gets_400()
    {
        var jpeg = await File.ReadAllBytesAsync(TestAssets.HumanAsset("samples.jpg"));

        var response = await _client.PostAsync("/api/emotion", Form(jpeg[..(jpeg.Length / 3)], "cut.jpg", "image/jpeg"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ProblemOf(response);
    }

    [Fact]
    public async Task An_empty_file_gets_400()
    {
        var response = await _client.PostAsync("/api/emotion", Form([], "empty.png", "image/png"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemOf(response);
        Assert.Contains("empty", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_unsupported_format_gets_400()
    {
        // A valid 1x1 BMP: decodable in principle, but not a format the API accepts.
        byte[] bmp = [0x42, 0x4D, 0x3A, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 0x28, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0x18, 0,
            0, 0, 0, 0, 4, 0, 0, 0, 0x13, 0x0B, 0, 0, 0x13, 0x0B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0];

        var response = await _client.PostAsync("/api/emotion", Form(bmp, "x.bmp", "image/bmp"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ProblemOf(response);
    }

    [Fact]
    public async Task An_oversize_upload_gets_413_problem_json()
    {
        var big = new byte[6 * 1024 * 1024];

        var response = await _client.PostAsync("/api/emotion", Form(big, "big.jpg", "image/jpeg"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await ProblemOf(response);
    }

    [Fact]
    public async Task A_body_that_is_not_an_image_gets_400()
    {
        var response = await _client.PostAsync("/api/emotion", new StringContent("hello"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ProblemOf(response);
    }
}
