namespace Kefu;

/// <summary>Marker for the shared UI strings: Resources/SharedResource.{zh-CN,en}.resx.</summary>
public sealed class SharedResource;
