using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace BlazorMood.Vision.Tests;

/// <summary>face-api's expression net (face-expression.onnx) on real photos, and the analyzer that fuses both models.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "Models")]
[Collection("models")]
public class FaceExpressionTests(ModelsFixture models)
{
    [Fact]
    public void The_smiling_astronaut_reads_happy_with_face_api_s_model_too()
    {
        using var image = ModelsFixture.Astronaut();
        var frame = RgbFrame.FromImage(image);
        var face = Assert.Single(models.Faces.Detect(frame));
        var emotion = models.FaceExpressions.Classify(frame, [face])[0];
        Assert.Equal(Emotion.Happy, emotion.Emotion);
        Assert.True(emotion.Confidence > 0.6f, $"happy {emotion.Confidence}");
        Assert.Equal(EmotionLabels.All, emotion.Probabilities.Keys);
        Assert.Equal(1f, emotion.Probabilities.Values.Sum(), 3);
    }

    [Theory]
    [InlineData(1, 0.75f, 0.35f)]
    [InlineData(4, 0.70f, 0.15f)]
    public void Laughing_faces_read_happy(int sample, float centreX, float centreY)
    {
        using var image = ModelsFixture.FaceApi(sample);
        var frame = RgbFrame.FromImage(image);
        var target = new ImagePoint(centreX * image.Width, centreY * image.Height);
        var face = models.Faces.Detect(frame).OrderBy(f => f.Box.Center.DistanceTo(target)).First();
        Assert.Equal(Emotion.Happy, models.FaceExpressions.Classify(frame, [face])[0].Emotion);
    }

    [Fact]
    public void Batched_faces_match_one_at_a_time()
    {
        using var image = ModelsFixture.FaceApi(5);
        var frame = RgbFrame.FromImage(image);
        var faces = models.Faces.Detect(frame);
        Assert.True(faces.Count >= 3);
        var batched = models.FaceExpressions.Classify(frame, faces);
        for (var i = 0; i < faces.Count; i++)
        {
            var single = models.FaceExpressions.Classify(frame, [faces[i]])[0];
            foreach (var label in EmotionLabels.All)
            {
                Assert.Equal(single.Probabilities[label], batched[i].Probabilities[label], 4);
            }
        }
    }

    /// <summary>The label order is mapped from face-api's (neutral, happy, sad, angry, fearful, disgusted, surprised).</summary>
    [Fact]
    public void Face_api_order_maps_onto_the_product_labels_one_to_one()
    {
        Assert.Equal(Enumerable.Range(0, 7), FaceExpressionClassifier.FromFaceApiOrder.Order());
        Assert.Equal(0, FaceExpressionClassifier.FromFaceApiOrder[(int)Emotion.Neutral]);
        Assert.Equal(1, FaceExpressionClassifier.FromFaceApiOrder[(int)Emotion.Happy]);
        Assert.Equal(6, FaceExpressionClassifier.FromFaceApiOrder[(int)Emotion.Surprise]);
    }

    [Fact]
    public void The_analyzer_fuses_both_models_and_still_reads_the_astronaut_happy()
    {
        Assert.True(models.Analyzer.Fused);
        using var image = ModelsFixture.Astronaut();
        var face = Assert.Single(models.Analyzer.Analyze(image).Faces);
        Assert.Equal(Emotion.Happy, face.Emotion);
        Assert.Equal(1f, face.Probabilities.Values.Sum(), 3);
    }

    [Fact]
    public void With_face_api_s_model_disabled_the_analyzer_uses_human_s_model_alone()
    {
        using var services = ModelsFixture.Build(o => o.FaceExpression.Enabled = false);
        var analyzer = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<EmotionAnalyzer>(services);
        Assert.False(analyzer.Fused);
        using var image = ModelsFixture.Astronaut();
        var frame = RgbFrame.FromImage(image);
        var face = Assert.Single(models.Faces.Detect(frame));
        var alone = models.Emotions.Classify(frame, face);
        var analysed = Assert.Single(analyzer.Analyze(frame).Faces);
        Assert.Equal(alone.Probabilities["happy"], analysed.Probabilities["happy"], 5);
    }

    [Fact]
    public void A_missing_fusion_file_fails_with_its_name_and_the_command_that_makes_it()
    {
        using var services = ModelsFixture.Build(o => o.EmotionFusion.FileName = "no-such-fusion.json");
        var e = Assert.Throws<ModelLoadException>(() => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<EmotionAnalyzer>(services));
        Assert.Contains("no-such-fusion.json", e.Message);
        Assert.Contains("train emotion-fusion", e.Message);
    }
}
