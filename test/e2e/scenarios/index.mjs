// The UI scenarios, in the order they run.
import cancelResume from './cancelResume.mjs';
import codeLensHover from './codeLensHover.mjs';
import downloadCommand from './downloadCommand.mjs';
import explorerBadges from './explorerBadges.mjs';
import explorerMenu from './explorerMenu.mjs';
import listWithMistakes from './listWithMistakes.mjs';
import lockBadges from './lockBadges.mjs';
import rateLimitedHost from './rateLimitedHost.mjs';
import previewDownload from './previewDownload.mjs';
import reloadResume from './reloadResume.mjs';
import secretHeader from './secretHeader.mjs';
import untitledSelection from './untitledSelection.mjs';
import untrusted from './untrusted.mjs';

export const scenarios = [downloadCommand, explorerMenu, cancelResume, untrusted, untitledSelection, secretHeader, listWithMistakes, rateLimitedHost, previewDownload, reloadResume, explorerBadges, lockBadges, codeLensHover];
