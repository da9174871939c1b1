export interface InitGeneratorSchema {
  /** Leave nx.json's plugins alone (e.g. when the plugin is registered by path). */
  skipPlugin?: boolean;
}
